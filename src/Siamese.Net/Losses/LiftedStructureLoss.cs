using Siamese.Net.Distances;
using Siamese.Net.Miners;
using Siamese.Net.Reducers;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// The generalised lifted structure loss (Hermans, Beyer and Leibe, "In Defense of the Triplet Loss for Person
/// Re-Identification", 2017, generalising Song, Xiang, Jegelka and Savarese, "Deep Metric Learning via Lifted
/// Structured Feature Embedding", CVPR 2016): per anchor, a smooth maximum of its positive distances against a smooth
/// minimum of its negative distances.
/// </summary>
/// <remarks>
/// <para>Per anchor i with distances <c>d</c>:
/// <c>L_i = [log sum_{p in P_i} exp(d_ip - positiveMargin) + log sum_{n in N_i} exp(negativeMargin - d_in)]_+</c>,
/// as log-sum-exps. An anchor without a positive or a negative gives 0, so a batch with no positive pair gives 0 with a
/// zero gradient. Reduced by the mean over all N anchors.</para>
/// <para>Defaults: Euclidean distance of the raw embeddings, positive margin 0, negative margin 1 (as
/// pytorch-metric-learning's <c>GeneralizedLiftedStructureLoss</c>, which L2-normalises first: normalise in the network
/// or pass another distance to match it). With a similarity the margins apply to its negation, as in the miners. Needs
/// at least 2 images per class.</para>
/// </remarks>
public sealed class LiftedStructureLoss : MetricLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="positiveMargin">Offset of the positive distances; default 0.</param>
    /// <param name="negativeMargin">Distance the negatives should exceed; default 1.</param>
    /// <param name="distance">Distance between embeddings; Euclidean when null.</param>
    /// <param name="miner">Miner for labelled batches; all pairs when null.</param>
    /// <param name="reducer">How per-anchor losses are combined; the mean over all anchors when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A margin is not finite.</exception>
    public LiftedStructureLoss(double positiveMargin = 0.0, double negativeMargin = 1.0, IDistance? distance = null, IMiner? miner = null, IReducer? reducer = null)
        : base(nameof(LiftedStructureLoss), distance, reducer, miner)
    {
        PositiveMargin = Guard.InRange(positiveMargin, double.MinValue, double.MaxValue);
        NegativeMargin = Guard.InRange(negativeMargin, double.MinValue, double.MaxValue);
    }

    /// <summary>Offset of the positive distances.</summary>
    public double PositiveMargin { get; }

    /// <summary>Distance the negatives should exceed.</summary>
    public double NegativeMargin { get; }

    /// <inheritdoc />
    public override int MinimumImagesPerClass => 2;

    /// <inheritdoc />
    protected override Tensor PerItem(Tensor embeddings, Tensor? labels, IndexTuples? tuples)
    {
        var (positive, negative) = PairMasks(embeddings, labels, tuples);
        var x = LossMath.Working(embeddings);
        var d = Distance.AsDistance(Distance.Matrix(x, x));
        var valid = positive.any(1).logical_and(negative.any(1));
        var sum = LossMath.MaskedLogSumExp(d - PositiveMargin, positive, valid) + LossMath.MaskedLogSumExp(NegativeMargin - d, negative, valid);
        return sum.clamp_min(0).masked_fill(valid.logical_not(), 0.0);
    }
}
