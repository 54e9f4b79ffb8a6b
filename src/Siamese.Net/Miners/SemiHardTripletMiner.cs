using Siamese.Net.Distances;
using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Miners;

/// <summary>
/// Semi-hard mining (Schroff et al. 2015, FaceNet): for each positive pair (a, p), the closest negative that is still
/// farther than the positive but within the margin, <c>d(a, p) &lt; d(a, n) &lt; d(a, p) + margin</c>; pairs with no
/// such negative are skipped.
/// </summary>
public sealed class SemiHardTripletMiner : IMiner
{
    /// <summary>Creates the miner.</summary>
    /// <param name="margin">The width of the semi-hard band; use the loss's margin (default 1.0).</param>
    /// <exception cref="ArgumentOutOfRangeException">The margin is negative or not finite.</exception>
    public SemiHardTripletMiner(double margin = 1.0) => Margin = Guard.NonNegative(margin);

    /// <summary>The width of the semi-hard band.</summary>
    public double Margin { get; }

    /// <inheritdoc />
    public string Name => "semi-hard";

    /// <inheritdoc />
    public IndexTuples Mine(Tensor embeddings, Tensor labels, IDistance distance)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (d, positive, negative) = MinerMasks.Build(embeddings, labels, distance);
        var dap = d.unsqueeze(2);
        var dan = d.unsqueeze(1);
        var band = positive.unsqueeze(2)
            .logical_and(negative.unsqueeze(1))
            .logical_and(dan.gt(dap))
            .logical_and(dan.lt(dap.add(Margin)));
        var candidate = dan.expand_as(band).masked_fill(band.logical_not(), double.PositiveInfinity);
        var chosen = candidate.argmin(2);
        var pairs = band.any(2).nonzero();
        var a = pairs[.., 0];
        var p = pairs[.., 1];
        var n = chosen.flatten().index_select(0, (a * d.shape[0]) + p);
        return TripletTuples.Detached(a, p, n);
    }
}
