using Siamese.Net.Distances;
using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Miners;

/// <summary>
/// Easy-positive mining (Xuan, Stylianou and Pless, "Improved Embeddings with Easy Positive Triplet Mining", WACV
/// 2020; pytorch-metric-learning's <c>BatchEasyHardMiner</c>): for each anchor, its closest (easiest) positive and its
/// hardest negative — by default the closest negative that is still farther than that positive (semi-hard, the
/// paper's best variant), or simply the closest negative. One triplet per anchor that has both.
/// </summary>
/// <remarks>
/// Pulling only the easiest positive lets a class keep several modes (poses, lighting) instead of collapsing them,
/// which helps classes with high intra-class variance. Distances are distance-like (a similarity is negated).
/// </remarks>
public sealed class BatchEasyHardMiner : IMiner
{
    /// <summary>Creates the miner.</summary>
    /// <param name="semiHardNegative">
    /// True (default): the closest negative farther than the easiest positive (anchors without one are skipped);
    /// false: the closest negative.
    /// </param>
    public BatchEasyHardMiner(bool semiHardNegative = true) => SemiHardNegative = semiHardNegative;

    /// <summary>Whether the negative must be farther than the chosen positive.</summary>
    public bool SemiHardNegative { get; }

    /// <inheritdoc />
    public string Name => SemiHardNegative ? "easy-positive-semi-hard-negative" : "easy-positive-hard-negative";

    /// <inheritdoc />
    public IndexTuples Mine(Tensor embeddings, Tensor labels, IDistance distance)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (d, positive, negative) = MinerMasks.Build(embeddings, labels, distance);
        var positiveScores = d.masked_fill(positive.logical_not(), double.PositiveInfinity);
        var easiest = positiveScores.argmin(1);
        var easiestDistance = positiveScores.gather(1, easiest.unsqueeze(1));
        var candidates = SemiHardNegative ? negative.logical_and(d.gt(easiestDistance)) : negative;
        var hardest = d.masked_fill(candidates.logical_not(), double.PositiveInfinity).argmin(1);
        var anchors = positive.any(1).logical_and(candidates.any(1)).nonzero().squeeze(1);
        return TripletTuples.Detached(anchors, easiest.index_select(0, anchors), hardest.index_select(0, anchors));
    }
}
