using Siamese.Net.Distances;
using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Miners;

/// <summary>
/// Pair-margin mining (pytorch-metric-learning's <c>PairMarginMiner</c>): the positive pairs that are farther apart
/// than <see cref="PositiveMargin"/> and the negative pairs closer than <see cref="NegativeMargin"/> — the pairs a
/// contrastive loss with those margins still learns from. Margins are in distance-like units: for a similarity they
/// apply to its negation.
/// </summary>
public sealed class PairMarginMiner : IMiner
{
    /// <summary>Creates the miner.</summary>
    /// <param name="positiveMargin">Positive pairs with a distance above this are kept (default 0: every positive pair that is not identical).</param>
    /// <param name="negativeMargin">Negative pairs with a distance below this are kept (default 2.0, the contrastive loss's margin).</param>
    /// <exception cref="ArgumentOutOfRangeException">A margin is not finite.</exception>
    public PairMarginMiner(double positiveMargin = 0.0, double negativeMargin = 2.0)
    {
        PositiveMargin = Guard.InRange(positiveMargin, double.MinValue, double.MaxValue);
        NegativeMargin = Guard.InRange(negativeMargin, double.MinValue, double.MaxValue);
    }

    /// <summary>Positive pairs farther apart than this are mined.</summary>
    public double PositiveMargin { get; }

    /// <summary>Negative pairs closer than this are mined.</summary>
    public double NegativeMargin { get; }

    /// <inheritdoc />
    public string Name => "pair-margin";

    /// <inheritdoc />
    public IndexTuples Mine(Tensor embeddings, Tensor labels, IDistance distance)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (d, positive, negative) = MinerMasks.Build(embeddings, labels, distance);
        var hardPositive = positive.logical_and(d.gt(PositiveMargin)).nonzero();
        var hardNegative = negative.logical_and(d.lt(NegativeMargin)).nonzero();
        return PairTuples.Detached(hardPositive[.., 0], hardPositive[.., 1], hardNegative[.., 0], hardNegative[.., 1]);
    }
}
