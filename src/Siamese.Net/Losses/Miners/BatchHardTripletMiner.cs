using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Losses.Miners;

/// <summary>
/// Batch-hard mining (Hermans, Beyer and Leibe, 2017): for each anchor, its farthest positive and its nearest
/// negative — one triplet per anchor that has at least one positive and one negative in the batch.
/// </summary>
public sealed class BatchHardTripletMiner : ITripletMiner
{
    /// <inheritdoc />
    public string Name => "batch-hard";

    /// <inheritdoc />
    public TripletIndices Mine(Tensor distances, Tensor classIds, double margin)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (positive, negative) = MinerMasks.Build(distances, classIds);
        var d = distances.detach();
        var hardestPositive = d.masked_fill(positive.logical_not(), double.NegativeInfinity).argmax(1);
        var hardestNegative = d.masked_fill(negative.logical_not(), double.PositiveInfinity).argmin(1);
        var anchors = positive.any(1).logical_and(negative.any(1)).nonzero().squeeze(1);
        return MinerMasks.FromColumns(anchors, hardestPositive.index_select(0, anchors), hardestNegative.index_select(0, anchors));
    }
}
