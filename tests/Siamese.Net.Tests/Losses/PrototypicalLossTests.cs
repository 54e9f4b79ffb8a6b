using Siamese.Net.Losses;
using TorchSharp;

namespace Siamese.Net.Tests.Losses;

public sealed class PrototypicalLossTests
{
    // Rows of Reference/prototypical_reference.py after its shuffle: the loss must take each class's first image in batch
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

    [Fact]
    public void Two_shot_prototypes_are_the_mean_of_each_class_first_two_images()
    {
        // Class 0: rows 0, 2 support, row 4 query; class 1: rows 1, 3 support, row 5 query.
        double[,] rows = { { 0.0, 0.0 }, { 3.0, 1.0 }, { 2.0, 0.0 }, { 1.0, 1.0 }, { 0.5, 0.5 }, { 2.5, 0.0 } };
        using var loss = new PrototypicalLoss(shots: 2);
        using var embeddings = torch.tensor(rows);
        using var labels = torch.tensor(new long[] { 0, 1, 0, 1, 0, 1 });

        using var value = loss.Compute(embeddings, labels);

        // Prototypes (1, 0) and (2, 1); squared distances: query 4 -> 0.5 and 2.5, query 5 -> 2.25 and 1.25.
        double expected = (Math.Log(Math.Exp(-0.5) + Math.Exp(-2.5)) + 0.5 + Math.Log(Math.Exp(-2.25) + Math.Exp(-1.25)) + 1.25) / 2;
        value.item<double>().Should().BeApproximately(expected, 1e-9);
    }

    [Fact]
    public void Labels_that_do_not_match_the_embeddings_are_refused()
    {
        using var loss = new PrototypicalLoss();
        using var embeddings = torch.zeros(4, 2);
        using var labels = torch.tensor(new long[] { 1, 1, 2 });

        var act = () => loss.Compute(embeddings, labels);

        act.Should().Throw<ArgumentException>().WithParameterName("labels");
    }
}
