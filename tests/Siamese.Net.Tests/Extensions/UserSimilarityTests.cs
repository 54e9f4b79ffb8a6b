using Siamese.Net.Distances;
using Siamese.Net.Losses;
using Siamese.Net.Miners;
using Siamese.Net.Tests.Training;
using Siamese.Net.Training;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Extensions;

/// <summary>
/// A user's own similarity (larger = more alike): a temperature-scaled cosine similarity. Declaring
/// <see cref="IDistance.IsSimilarity"/> is all it takes for losses, miners and validation to turn their comparisons round.
/// </summary>
public sealed class UserSimilarityTests
{
    private sealed class ScaledCosineSimilarity(double scale) : IDistance
    {
        public string Name => "scaled-cosine";

        public bool IsSimilarity => true;

        public Tensor Pairwise(Tensor first, Tensor second) =>
            nn.functional.cosine_similarity(first, second, dim: 1) * scale;

        public Tensor Matrix(Tensor queries, Tensor references) =>
            nn.functional.normalize(queries, dim: 1).matmul(nn.functional.normalize(references, dim: 1).t()) * scale;
    }

    [Fact]
    public void Miners_and_losses_treat_larger_as_closer()
    {
        using var scope = NewDisposeScope();
        // Class 0 points along x, class 1 along y; sample 1 leans towards class 1.
        var embeddings = tensor(new float[] { 1, 0, 1, 0.9f, 0, 1, 0.1f, 1 }).reshape(4, 2);
        var labels = tensor(new long[] { 0, 0, 1, 1 });
        var similarity = new ScaledCosineSimilarity(2);

        using var hardest = new BatchHardTripletMiner().Mine(embeddings, labels, similarity);
        var triplets = ((TripletTuples)hardest).ToList();
        triplets.Should().Contain((0L, 1L, 3L), "the least similar positive of 0 is 1, its most similar negative is 3");

        // With a similarity the triplet loss is max(0, s(a, n) - s(a, p) + margin): a well-ordered triplet costs nothing.
        using var ordered = new TripletTuples(tensor(new long[] { 0 }), tensor(new long[] { 1 }), tensor(new long[] { 2 }));
        var value = new TripletMarginLoss(0.1, distance: similarity).Compute(embeddings, null, ordered).item<float>();
        value.Should().Be(0f);
    }

    [Fact]
    public void Validation_ranks_pairs_by_the_similarity()
    {
        var classes = new SyntheticClasses(classes: 6);
        using var network = TinyEncoder.Create();
        using var loss = new TripletMarginLoss(0.5, new BatchHardTripletMiner(), new ScaledCosineSimilarity(4));
        var result = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 3, Optimizer = KnownOptimizers.Adam(1e-2), Monitor = MetricKeys.ValidationRocAuc })
            .Fit(network, loss, new SyntheticLabelledSource(classes, batches: 10), new SyntheticLabelledSource(classes, batches: 2, seed: 43));

        var validation = result.History[^1].Validation!;
        validation.ThresholdKind.Should().Be(Siamese.Net.Evaluation.ScoreKind.Similarity);
        validation.RocAuc.Should().BeGreaterThan(0.8, "an inverted ranking would give an AUC below 0.5");
        validation.NWayAccuracy.Should().BeGreaterThan(0.5);
    }
}
