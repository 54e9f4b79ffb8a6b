using Siamese.Net.Distances;
using Siamese.Net.Miners;
using Siamese.Net.Reducers;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// Multi-similarity loss (Wang, Han, Huang, Dong and Scott, "Multi-Similarity Loss with General Pair Weighting for
/// Deep Metric Learning", CVPR 2019, eq. 4): each anchor weighs its positive and negative pairs by their own
/// similarity and by their similarity relative to the other pairs.
/// </summary>
/// <remarks>
/// <para>Per anchor i, with cosine similarities <c>S</c>:
/// <c>L_i = (1/alpha) log(1 + sum_{p in P_i} exp(-alpha (S_ip - base))) + (1/beta) log(1 + sum_{n in N_i} exp(beta (S_in - base)))</c>,
/// computed as log-sum-exps (no overflow at beta = 50). An anchor without a positive or without a negative gives 0 (as
/// the authors' code skips it), so a batch with no positive pair gives loss 0 and a zero gradient. Reduced by the mean
/// over all N anchors.</para>
/// <para>Defaults: alpha 2, beta 50, base (the paper's lambda) 0.5, as in the paper's experiments and
/// pytorch-metric-learning. The paper's pair mining (eq. 5-6) is <see cref="MultiSimilarityMiner"/> (epsilon 0.1): pass
/// it as the miner to train as the paper does. Pairs come from the miner, from given tuples or are all pairs of the
/// labels. Needs at least 2 images per class.</para>
/// </remarks>
public sealed class MultiSimilarityLoss : MetricLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="alpha">Scale of the positive term; default 2.</param>
    /// <param name="beta">Scale of the negative term; default 50.</param>
    /// <param name="base">The similarity offset lambda; default 0.5.</param>
    /// <param name="miner">Miner for labelled batches (e.g. <see cref="MultiSimilarityMiner"/>); all pairs when null.</param>
    /// <param name="reducer">How per-anchor losses are combined; the mean over all anchors when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">alpha or beta is not positive, or base is outside [-1, 1].</exception>
    public MultiSimilarityLoss(double alpha = 2.0, double beta = 50.0, double @base = 0.5, IMiner? miner = null, IReducer? reducer = null)
        : base(nameof(MultiSimilarityLoss), new CosineDistance(), reducer, miner)
    {
        Alpha = Guard.Positive(alpha);
        Beta = Guard.Positive(beta);
        Base = Guard.InRange(@base, -1.0, 1.0, "base");
    }

    /// <summary>Scale of the positive term.</summary>
    public double Alpha { get; }

    /// <summary>Scale of the negative term.</summary>
    public double Beta { get; }

    /// <summary>The similarity offset (lambda in the paper).</summary>
    public double Base { get; }

    /// <inheritdoc />
    public override int MinimumImagesPerClass => 2;

    /// <inheritdoc />
    protected override Tensor PerItem(Tensor embeddings, Tensor? labels, IndexTuples? tuples)
    {
        var (positive, negative) = PairMasks(embeddings, labels, tuples);
        var s = LossMath.Cosine(LossMath.Working(embeddings));
        var valid = positive.any(1).logical_and(negative.any(1));
        var positiveTerm = LossMath.LogOnePlusSumExp((Base - s) * Alpha, positive, 1) / Alpha;
        var negativeTerm = LossMath.LogOnePlusSumExp((s - Base) * Beta, negative, 1) / Beta;
        return (positiveTerm + negativeTerm).masked_fill(valid.logical_not(), 0.0);
    }
}
