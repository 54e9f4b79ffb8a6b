using Siamese.Net.Distances;
using Siamese.Net.Miners;
using Siamese.Net.Reducers;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// Contrastive loss (Hadsell, Chopra and LeCun, 2006): pulls positive pairs together and pushes negative pairs at
/// least <see cref="Margin"/> apart.
/// </summary>
/// <remarks>
/// <para>For a pair with distance <c>d</c> (by default Euclidean): <c>loss = max(0, d - positiveMargin)^2</c> for a
/// positive (same) pair and <c>loss = max(0, margin - d)^2</c> for a negative (different) pair, then reduced over all
/// pairs (mean by default). With a similarity <c>s</c> the inequalities turn round:
/// <c>max(0, positiveMargin - s)^2</c> and <c>max(0, s - margin)^2</c>.</para>
/// <para>The defaults (margin 2.0, positive margin 0, no factor 1/2) reproduce the PyTorch code of the signature, Siamese
/// and one-shot tutorials (<c>torch.mean((1 - label) * d^2 + label * clamp(margin - d, min=0)^2)</c>); their label
/// convention (0 = same) is replaced by typed pairs. Pass <c>halve: true</c> for the 1/2 of the original paper.</para>
/// <para>Pairs come from the batch (a pair source), from the <see cref="MetricLoss.Miner"/> (e.g. <see cref="PairMarginMiner"/>
/// on P×K batches), or are all pairs of a labelled batch.</para>
/// </remarks>
public sealed class ContrastiveLoss : MetricLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="margin">Distance beyond which a negative pair costs nothing; default 2.0 as in the tutorials.</param>
    /// <param name="distance">Distance between embeddings; Euclidean when null.</param>
    /// <param name="reducer">How per-pair losses are combined; the mean when null.</param>
    /// <param name="miner">Miner for labelled batches; all pairs when null.</param>
    /// <param name="halve">Multiply the loss by 1/2 as in Hadsell et al.; false by default, as in the tutorials.</param>
    /// <param name="positiveMargin">Distance below which a positive pair costs nothing (default 0; for a similarity the similarity above which).</param>
    /// <exception cref="ArgumentOutOfRangeException">A margin is not finite, or a distance margin is negative.</exception>
    public ContrastiveLoss(double margin = 2.0, IDistance? distance = null, IReducer? reducer = null, IMiner? miner = null, bool halve = false, double positiveMargin = 0.0)
        : base(nameof(ContrastiveLoss), distance, reducer, miner)
    {
        Margin = Distance.IsSimilarity ? Guard.InRange(margin, double.MinValue, double.MaxValue) : Guard.NonNegative(margin);
        PositiveMargin = Distance.IsSimilarity ? Guard.InRange(positiveMargin, double.MinValue, double.MaxValue) : Guard.NonNegative(positiveMargin);
        Halve = halve;
    }

    /// <summary>The margin for negative pairs.</summary>
    public double Margin { get; }

    /// <summary>The margin for positive pairs.</summary>
    public double PositiveMargin { get; }

    /// <summary>Whether the loss carries the factor 1/2 of Hadsell et al.</summary>
    public bool Halve { get; }

    /// <inheritdoc />
    /// <remarks>2: with one image per class a labelled batch has only negative pairs and the network only learns to push apart.</remarks>
    public override int MinimumImagesPerClass => 2;

    /// <inheritdoc />
    protected override Tensor PerItem(Tensor embeddings, Tensor? labels, IndexTuples? tuples)
    {
        var pairs = PairsOf(labels, tuples);
        var (positive, negative) = pairs.Distances(embeddings, Distance);
        // Margin(near, far) is far - near for a distance, near - far for a similarity: the amount by which the order is right.
        var positiveLoss = Distance.Margin(full_like(positive, PositiveMargin), positive).clamp_min(0).square();
        var negativeLoss = Distance.Margin(negative, full_like(negative, Margin)).clamp_min(0).square();
        var perPair = cat([positiveLoss, negativeLoss], 0);
        return Halve ? perPair * 0.5 : perPair;
    }
}
