using Siamese.Net.Distances;
using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Miners;

/// <summary>
/// Batch-hard mining (Hermans et al. 2017): for each anchor, its farthest positive and its closest negative; one
/// triplet per anchor that has both.
/// </summary>
public sealed class BatchHardTripletMiner : IMiner
{
    /// <inheritdoc />
    public string Name => "batch-hard";

    /// <inheritdoc />
    public IndexTuples Mine(Tensor embeddings, Tensor labels, IDistance distance)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (d, positive, negative) = MinerMasks.Build(embeddings, labels, distance);
        var hardestPositive = d.masked_fill(positive.logical_not(), double.NegativeInfinity).argmax(1);
        var hardestNegative = d.masked_fill(negative.logical_not(), double.PositiveInfinity).argmin(1);
        var anchors = positive.any(1).logical_and(negative.any(1)).nonzero().squeeze(1);
        return TripletTuples.Detached(anchors, hardestPositive.index_select(0, anchors), hardestNegative.index_select(0, anchors));
    }
}
