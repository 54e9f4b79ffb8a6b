using Siamese.Net.Distances;
using Siamese.Net.Miners;
using Siamese.Net.Reducers;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// Circle loss with pair-wise labels (Sun, Cheng, Zhang, Zhang, Zheng, Wang and Wei, "Circle Loss: A Unified
/// Perspective of Pair Similarity Optimization", CVPR 2020, eq. 4 with eq. 6-7): every similarity is re-weighted by
/// how far it is from its optimum, so the decision boundary is a circle instead of a line.
/// </summary>
/// <remarks>
/// <para>Per anchor i, with cosine similarities <c>S</c>, <c>a_p = [1 + m - S_ip]_+</c> and <c>a_n = [S_in + m]_+</c>
/// (held constant in the backward pass, as the authors' code):
/// <c>L_i = softplus(logsumexp_p(-gamma a_p (S_ip - (1 - m))) + logsumexp_n(gamma a_n (S_in - m)))</c>.
/// An anchor without a positive or a negative gives 0, so a batch without positive pairs gives loss 0 and a zero
/// gradient. Reduced by the mean of the non-zero anchor losses (<see cref="KnownReducers.AverageNonZero"/>).</para>
/// <para>Defaults: m 0.25 and gamma 256, the paper's face-recognition setting; the paper uses m 0.4, gamma 80 for
/// fine-grained retrieval (pytorch-metric-learning's defaults). Needs at least 2 images per class.</para>
/// </remarks>
public sealed class CircleLoss : MetricLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="margin">The relaxation m; default 0.25.</param>
    /// <param name="gamma">The scale gamma; default 256.</param>
    /// <param name="miner">Miner for labelled batches; all pairs when null.</param>
    /// <param name="reducer">How per-anchor losses are combined; the mean of the non-zero ones when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The margin is outside [0, 1] or gamma is not positive.</exception>
    public CircleLoss(double margin = 0.25, double gamma = 256.0, IMiner? miner = null, IReducer? reducer = null)
        : base(nameof(CircleLoss), new CosineDistance(), reducer ?? KnownReducers.AverageNonZero, miner)
    {
        Margin = Guard.InRange(margin, 0.0, 1.0);
        Gamma = Guard.Positive(gamma);
    }

    /// <summary>The relaxation m.</summary>
    public double Margin { get; }

    /// <summary>The scale gamma.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public override int MinimumImagesPerClass => 2;

    /// <inheritdoc />
    protected override Tensor PerItem(Tensor embeddings, Tensor? labels, IndexTuples? tuples)
    {
        var (positive, negative) = PairMasks(embeddings, labels, tuples);
        var s = LossMath.Cosine(LossMath.Working(embeddings));
        var alphaPositive = (1 + Margin - s).detach().clamp_min(0);
        var alphaNegative = (s + Margin).detach().clamp_min(0);
        var positiveLogits = alphaPositive * (s - (1 - Margin)) * -Gamma;
        var negativeLogits = alphaNegative * (s - Margin) * Gamma;
        var valid = positive.any(1).logical_and(negative.any(1));
        var sum = LossMath.MaskedLogSumExp(positiveLogits, positive, valid) + LossMath.MaskedLogSumExp(negativeLogits, negative, valid);
        return nn.functional.softplus(sum).masked_fill(valid.logical_not(), 0.0);
    }
}
