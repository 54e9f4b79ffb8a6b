using Siamese.Net.Distances;
using Siamese.Net.Miners;
using Siamese.Net.Reducers;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// Triplet loss with margin (Weinberger and Saul 2009; Schroff et al. 2015):
/// <c>loss = max(0, d(a, p) - d(a, n) + margin)</c> per triplet (for a similarity <c>max(0, s(a, n) - s(a, p) + margin)</c>).
/// </summary>
/// <remarks>
/// <para>Defaults: margin 1.0 (PyTorch's <c>nn.TripletMarginLoss</c>; FaceNet's 0.2 assumes L2-normalised
/// embeddings), Euclidean distance, batch-all mining of the active triplets on labelled batches, mean reduction. The
/// mean over zero triplets is 0 (with a zero gradient), not NaN.</para>
/// <para>Triplets come from the batch (a triplet source: 3N images with <see cref="TripletTuples.Packaged"/>), from
/// the miner, or from pairs (converted: every positive and negative pair sharing an anchor). For given triplets with
/// the default distance this equals <c>F.triplet_margin_loss</c> up to PyTorch's <c>eps = 1e-6</c>.</para>
/// </remarks>
public sealed class TripletMarginLoss : MetricLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="margin">Required gap between the positive and negative distance; default 1.0.</param>
    /// <param name="miner">Online miner for labelled batches; batch-all (active triplets only, with this margin) when null.</param>
    /// <param name="distance">Distance between embeddings; Euclidean when null.</param>
    /// <param name="reducer">How per-triplet losses are combined; the mean when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The margin is negative or not finite.</exception>
    public TripletMarginLoss(double margin = 1.0, IMiner? miner = null, IDistance? distance = null, IReducer? reducer = null)
        : base(nameof(TripletMarginLoss), distance, reducer, miner ?? new BatchAllTripletMiner(activeOnly: true, margin: margin))
    {
        Margin = Guard.NonNegative(margin);
    }

    /// <summary>The margin.</summary>
    public double Margin { get; }

    /// <inheritdoc />
    /// <remarks>A triplet needs a positive: 2.</remarks>
    public override int MinimumImagesPerClass => 2;

    /// <inheritdoc />
    protected override Tensor PerItem(Tensor embeddings, Tensor? labels, IndexTuples? tuples)
    {
        var triplets = TripletsOf(labels, tuples);
        var anchors = embeddings.index_select(0, triplets.Anchors);
        var dap = Distance.Pairwise(anchors, embeddings.index_select(0, triplets.Positives));
        var dan = Distance.Pairwise(anchors, embeddings.index_select(0, triplets.Negatives));
        return (Margin - Distance.Margin(dap, dan)).clamp_min(0);
    }
}
