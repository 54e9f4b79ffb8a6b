using OmniglotOneShot;
using TorchSharp;

namespace Siamese.Net.Samples.Tests.OmniglotOneShot;

public sealed class PrototypicalLossTests
{
    // Rows of prototypical_reference.py after its shuffle: the loss must take each class's first image in batch
    // order as the prototype, wherever the classes sit in the batch.
    private static readonly double[,] Embeddings =
    {
        { -0.5, 0.4 }, { 0.1, 0.2 }, { 2.0, -1.0 }, { -0.2, 0.9 }, { 0.3, -0.1 }, { 1.5, -0.5 }, { 0.4, 0.1 }, { 0.0, 0.0 }, { 1.0, 1.2 },
    };

    private static readonly long[] Labels = [3, 7, 9, 3, 7, 9, 9, 3, 7];

    [Fact]
    public void Matches_the_PyTorch_reference_on_a_shuffled_batch()
    {
        using var loss = new PrototypicalLoss(shots: 1);
        using var embeddings = torch.tensor(Embeddings);
        using var labels = torch.tensor(Labels);

        using var value = loss.Compute(embeddings, labels);

        value.item<double>().Should().BeApproximately(1.064231033509, 1e-9);
    }

    [Fact]
    public void Gradients_flow_to_the_embeddings()
    {
        using var loss = new PrototypicalLoss();
        using var embeddings = torch.tensor(Embeddings).requires_grad_(true);
        using var labels = torch.tensor(Labels);

        using var value = loss.Compute(embeddings, labels);
        value.backward();

        using var gradient = embeddings.grad!;
        gradient.abs().sum().item<double>().Should().BeGreaterThan(0);
        double.IsFinite(gradient.sum().item<double>()).Should().BeTrue();
    }

    [Fact]
    public void A_batch_without_queries_is_refused()
    {
        using var loss = new PrototypicalLoss();
        using var embeddings = torch.zeros(3, 2);
        using var labels = torch.tensor(new long[] { 1, 2, 3 });

        var act = () => loss.Compute(embeddings, labels);

        act.Should().Throw<ArgumentException>().WithMessage("*No query images*");
    }
}
