using Siamese.Net.Distances;
using Siamese.Net.Losses;
using Siamese.Net.Miners;
using Siamese.Net.Tests.Training;
using Siamese.Net.Training;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Extensions;

/// <summary>
/// A user's own miner: for each anchor, the positive and the negative closest to it ("easy positive, hard negative").
/// It returns triplets; a pair loss gets them converted to pairs by the loss base.
/// </summary>
public sealed class UserMinerTests
{
    private sealed class EasyPositiveHardNegativeMiner : IMiner
    {
        public string Name => "easy-positive-hard-negative";

        public IndexTuples Mine(Tensor embeddings, Tensor labels, IDistance distance)
        {
            using var scope = NewDisposeScope();
            var d = distance.AsDistance(distance.Matrix(embeddings, embeddings));
            var same = labels.unsqueeze(1).eq(labels.unsqueeze(0));
            var self = eye(labels.shape[0], dtype: ScalarType.Bool);
            var positive = same.logical_and(self.logical_not());
            var nearestPositive = d.masked_fill(positive.logical_not(), double.PositiveInfinity).argmin(1);
            var nearestNegative = d.masked_fill(same, double.PositiveInfinity).argmin(1);
            var anchors = positive.any(1).logical_and(same.logical_not().any(1)).nonzero().squeeze(1);
            var triplets = new TripletTuples(anchors, nearestPositive.index_select(0, anchors), nearestNegative.index_select(0, anchors));
            triplets.Anchors.MoveToOuterDisposeScope();
            triplets.Positives.MoveToOuterDisposeScope();
            triplets.Negatives.MoveToOuterDisposeScope();
            return triplets;
        }
    }

    [Fact]
    public void Mines_one_triplet_per_anchor()
    {
        using var scope = NewDisposeScope();
        var embeddings = tensor(new float[] { 0, 1, 5, 1.5f, 7, 9 }).reshape(6, 1);
        var labels = tensor(new long[] { 0, 0, 0, 1, 1, 1 });

        using var mined = new EasyPositiveHardNegativeMiner().Mine(embeddings, labels, new EuclideanDistance());
        var triplets = mined.Should().BeOfType<TripletTuples>().Subject.ToList();

        triplets.Should().Equal((0L, 1L, 3L), (1L, 0L, 3L), (2L, 1L, 4L), (3L, 4L, 1L), (4L, 5L, 2L), (5L, 4L, 2L));
    }

    [Fact]
    public void Serves_both_a_triplet_loss_and_a_pair_loss_through_Fit()
    {
        var classes = new SyntheticClasses(classes: 6);
        foreach (MetricLoss loss in new MetricLoss[] { new TripletMarginLoss(0.5, new EasyPositiveHardNegativeMiner()), new ContrastiveLoss(margin: 1.0, miner: new EasyPositiveHardNegativeMiner()) })
        {
            using (loss)
            using (var network = TinyEncoder.Create())
            {
                var result = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 3, Optimizer = KnownOptimizers.Adam(1e-2) })
                    .Fit(network, loss, new SyntheticLabelledSource(classes, batches: 10));
                result.History[^1].TrainingLoss.Should().BeLessThan(result.History[0].TrainingLoss, loss.GetName());
            }
        }
    }
}
