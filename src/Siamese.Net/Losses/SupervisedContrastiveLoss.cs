using Siamese.Net.Distances;
using Siamese.Net.Miners;
using Siamese.Net.Reducers;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// Supervised contrastive loss, L_out (Khosla, Teterwak, Wang, Sarna, Tian, Isola, Maschinot, Liu and Krishnan,
/// "Supervised Contrastive Learning", NeurIPS 2020, eq. 2): every other image of the anchor's class is a positive of
/// one softmax over all other images of the batch.
/// </summary>
/// <remarks>
/// <para>Per anchor i with at least one positive, cosine similarities <c>S</c> and temperature <c>t</c>:
/// <c>L_i = -(1/|P(i)|) sum_{p in P(i)} log(exp(S_ip / t) / sum_{a != i} exp(S_ia / t))</c>, P(i) the other images of
/// i's class (computed as a log-softmax). Reduced by the mean over the anchors that have a positive; a batch with no
/// positive pair gives 0 with a zero gradient. With mined or given tuples, P(i) and the denominator are the anchor's
/// pairs among them.</para>
/// <para>Default temperature 0.1, the paper's. Needs at least 2 images per class.</para>
/// </remarks>
public sealed class SupervisedContrastiveLoss : MetricLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="temperature">The softmax temperature t; default 0.1.</param>
    /// <param name="miner">Miner for labelled batches; all pairs when null.</param>
    /// <param name="reducer">How per-anchor losses are combined; the mean over anchors with a positive when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The temperature is not positive.</exception>
    public SupervisedContrastiveLoss(double temperature = 0.1, IMiner? miner = null, IReducer? reducer = null)
        : base(nameof(SupervisedContrastiveLoss), new CosineDistance(), reducer, miner)
    {
        Temperature = Guard.Positive(temperature);
    }

    /// <summary>The softmax temperature.</summary>
    public double Temperature { get; }

    /// <inheritdoc />
    public override int MinimumImagesPerClass => 2;

    /// <inheritdoc />
    protected override Tensor PerItem(Tensor embeddings, Tensor? labels, IndexTuples? tuples)
    {
        var (positive, negative) = PairMasks(embeddings, labels, tuples);
        var s = LossMath.Cosine(LossMath.Working(embeddings)) / Temperature;
        var valid = positive.any(1);
        var logProbability = s - LossMath.MaskedLogSumExp(s, positive.logical_or(negative), valid).unsqueeze(1);
        var weight = positive.to_type(s.dtype);
        var perAnchor = -(logProbability * weight).sum(1) / weight.sum(1).clamp_min(1);
        return perAnchor.index_select(0, valid.nonzero().squeeze(1));
    }
}
