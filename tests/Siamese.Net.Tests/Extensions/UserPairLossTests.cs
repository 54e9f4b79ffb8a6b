using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Losses;
using Siamese.Net.Miners;
using Siamese.Net.Tests.Training;
using Siamese.Net.Training;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Extensions;

/// <summary>
/// A user's own loss over mined pairs, written against the public contract only: a squared-hinge "double margin"
/// contrastive loss. It needs nothing from the library but <see cref="MetricLoss"/>: pairs come from whatever the
/// batch or the miner gives.
/// </summary>
public sealed class UserPairLossTests
{
    private sealed class DoubleMarginLoss(double positiveMargin, double negativeMargin, IMiner? miner = null)
        : MetricLoss(nameof(DoubleMarginLoss), new EuclideanDistance(), miner: miner)
    {
        protected override Tensor PerItem(Tensor embeddings, Tensor? labels, IndexTuples? tuples)
        {
            var pairs = PairsOf(labels, tuples);
            var positive = Distance.Pairwise(embeddings.index_select(0, pairs.PositiveFirst), embeddings.index_select(0, pairs.PositiveSecond));
            var negative = Distance.Pairwise(embeddings.index_select(0, pairs.NegativeFirst), embeddings.index_select(0, pairs.NegativeSecond));
            return cat([(positive - positiveMargin).clamp_min(0), (negativeMargin - negative).clamp_min(0)], 0);
        }
    }

    [Fact]
    public void Computes_from_labels_from_given_pairs_and_from_a_miner()
    {
        using var scope = NewDisposeScope();
        var embeddings = tensor(new float[] { 0, 2, 3, 3.5f }).reshape(4, 1);
        var labels = tensor(new long[] { 0, 0, 1, 1 });
        using var loss = new DoubleMarginLoss(positiveMargin: 0.5, negativeMargin: 2);

        // All ordered pairs: positives (0,2) twice cost 1.5 each, (3,3.5) cost 0; negatives within 2: 2-3 (1 each way), 2-3.5 (0.5 each way).
        using (var output = loss.Evaluate(embeddings, labels))
        {
            output.Tuples.item<long>().Should().Be(12);
            output.ActiveTuples.item<long>().Should().Be(6);
            output.Value.item<float>().Should().BeApproximately((1.5f * 2 + 2 + 1) / 12, 1e-5f);
        }

        using var mined = new DoubleMarginLoss(0.5, 2, new PairMarginMiner(positiveMargin: 0.5, negativeMargin: 2)).Evaluate(embeddings, labels);
        mined.Tuples.item<long>().Should().Be(6, "the miner keeps only the pairs the margins still penalise");
        mined.Value.item<float>().Should().BeApproximately((1.5f * 2 + 2 + 1) / 6, 1e-5f);
    }

    [Fact]
    public void Trains_through_Fit_on_PxK_batches_without_library_changes()
    {
        var classes = new SyntheticClasses(classes: 6);
        using var network = TinyEncoder.Create();
        using var loss = new DoubleMarginLoss(0.2, 2.0, new PairMarginMiner(positiveMargin: 0.2, negativeMargin: 2.0));
        var result = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 3, Optimizer = KnownOptimizers.Adam(1e-2) })
            .Fit(network, loss, new SyntheticLabelledSource(classes, batches: 10), new SyntheticLabelledSource(classes, batches: 2, seed: 41));

        result.History[^1].TrainingLoss.Should().BeLessThan(result.History[0].TrainingLoss);
        result.History[^1].Validation!.RocAuc.Should().BeGreaterThan(0.8);
    }
}
