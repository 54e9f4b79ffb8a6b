using Siamese.Net.Distances;
using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Miners;

/// <summary>
/// The pair mining of the multi-similarity loss (Wang et al., CVPR 2019, eq. 5-6): per anchor, the negatives that are
/// closer than its farthest positive plus <see cref="Epsilon"/>, and the positives that are farther than its closest
/// negative minus <see cref="Epsilon"/> — the informative pairs; the rest are dropped.
/// </summary>
/// <remarks>
/// In distance-like units <c>d</c> (a similarity negated): keep the negative (a, n) if <c>d_an - epsilon &lt; max_p d_ap</c>
/// and the positive (a, p) if <c>d_ap + epsilon &gt; min_n d_an</c>, the maximum and minimum over all of the anchor's
/// positives and negatives. With the cosine similarity of <see cref="MultiSimilarityLoss"/> this is the paper's
/// <c>S_an + epsilon &gt; min_p S_ap</c> and <c>S_ap - epsilon &lt; max_n S_an</c>. An anchor without positives or
/// without negatives yields no pairs. Default epsilon 0.1, the paper's and pytorch-metric-learning's. Returns pairs.
/// </remarks>
public sealed class MultiSimilarityMiner : IMiner
{
    /// <summary>Creates the miner.</summary>
    /// <param name="epsilon">The slack of both comparisons; default 0.1.</param>
    /// <exception cref="ArgumentOutOfRangeException">epsilon is negative or not finite.</exception>
    public MultiSimilarityMiner(double epsilon = 0.1) => Epsilon = Guard.NonNegative(epsilon);

    /// <summary>The slack of both comparisons.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public string Name => "multi-similarity";

    /// <inheritdoc />
    public IndexTuples Mine(Tensor embeddings, Tensor labels, IDistance distance)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (d, positive, negative) = MinerMasks.Build(embeddings, labels, distance);
        var farthestPositive = d.masked_fill(positive.logical_not(), double.NegativeInfinity).amax([1], keepdim: true);
        var closestNegative = d.masked_fill(negative.logical_not(), double.PositiveInfinity).amin([1], keepdim: true);
        var keptPositive = positive.logical_and((d + Epsilon).gt(closestNegative)).nonzero();
        var keptNegative = negative.logical_and((d - Epsilon).lt(farthestPositive)).nonzero();
        return PairTuples.Detached(keptPositive[.., 0], keptPositive[.., 1], keptNegative[.., 0], keptNegative[.., 1]);
    }
}
