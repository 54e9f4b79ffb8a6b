using Siamese.Net.Distances;
using Siamese.Net.Miners;
using Siamese.Net.Reducers;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// NT-Xent, the normalised temperature-scaled cross-entropy also known as InfoNCE or the multi-class N-pair loss
/// (Chen, Kornblith, Norouzi and Hinton, "A Simple Framework for Contrastive Learning of Visual Representations",
/// ICML 2020, eq. 1; Sohn 2016; van den Oord et al. 2018), driven by class labels.
/// </summary>
/// <remarks>
/// <para>For every positive pair (a, p), with cosine similarities <c>S</c> and temperature <c>t</c>:
/// <c>l_ap = -log(exp(S_ap / t) / (exp(S_ap / t) + sum_{n: y_n != y_a} exp(S_an / t)))</c> — a softmax over the
/// positive and the anchor's negatives (its other positives are not in the denominator), computed as a log-softmax.
/// Reduced by the mean over the positive pairs (both orders); a batch with no positive pair gives 0 with a zero
/// gradient.</para>
/// <para>For SimCLR-style self-supervision give every augmented view of one image the same label. Default temperature
/// 0.1 (the paper's tuned value for large batches is 0.1-0.5; pytorch-metric-learning uses 0.07): lower sharpens the
/// focus on hard negatives. Needs at least 2 images per class.</para>
/// </remarks>
public sealed class NTXentLoss : MetricLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="temperature">The softmax temperature t; default 0.1.</param>
    /// <param name="miner">Miner for labelled batches; all pairs when null.</param>
    /// <param name="reducer">How per-pair losses are combined; the mean over positive pairs when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The temperature is not positive.</exception>
    public NTXentLoss(double temperature = 0.1, IMiner? miner = null, IReducer? reducer = null)
        : base(nameof(NTXentLoss), new CosineDistance(), reducer, miner)
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
        var pairs = positive.nonzero();
        var anchors = pairs[.., 0];
        var positiveLogit = s.flatten().index_select(0, (anchors * s.shape[0]) + pairs[.., 1]);
        var negativeLogits = s.index_select(0, anchors).masked_fill(negative.index_select(0, anchors).logical_not(), double.NegativeInfinity);
        return cat([positiveLogit.unsqueeze(1), negativeLogits], 1).logsumexp(1) - positiveLogit;
    }
}
