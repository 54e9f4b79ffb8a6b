using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Losses.Miners;

/// <summary>
/// Semi-hard mining as defined by FaceNet (Schroff, Kalenichenko and Philbin, 2015): for every anchor-positive pair,
/// a negative that is farther than the positive but still inside the margin,
/// <c>d(a, p) &lt; d(a, n) &lt; d(a, p) + margin</c>.
/// </summary>
/// <remarks>
/// Among the semi-hard negatives of a pair the hardest one (smallest <c>d(a, n)</c>) is chosen, which makes the miner
/// deterministic. Pairs without a semi-hard negative give no triplet (their negatives are either already beyond the
/// margin, costing nothing, or closer than the positive, which FaceNet avoids because such "hard" negatives make early
/// training collapse). With margin 0 the band is empty and nothing is mined. Builds an [N, N, N] mask.
/// </remarks>
public sealed class SemiHardTripletMiner : ITripletMiner
{
    /// <inheritdoc />
    public string Name => "semi-hard";

    /// <inheritdoc />
    public TripletIndices Mine(Tensor distances, Tensor classIds, double margin)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (positive, negative) = MinerMasks.Build(distances, classIds);
        var d = distances.detach();
        var dap = d.unsqueeze(2);
        var dan = d.unsqueeze(1);
        var band = positive.unsqueeze(2)
            .logical_and(negative.unsqueeze(1))
            .logical_and(dan.gt(dap))
            .logical_and(dan.lt(dap + margin));
        var candidate = dan.expand_as(band).masked_fill(band.logical_not(), double.PositiveInfinity);
        var chosen = candidate.argmin(2);
        var pairs = band.any(2).nonzero();
        var a = pairs[.., 0];
        var p = pairs[.., 1];
        var n = chosen.flatten().index_select(0, a * d.shape[0] + p);
        return MinerMasks.FromColumns(a, p, n);
    }
}
