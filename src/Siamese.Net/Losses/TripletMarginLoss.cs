using Siamese.Net.Distances;
using Siamese.Net.Losses.Miners;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// Triplet loss with margin (Weinberger and Saul 2009; Schroff et al. 2015):
/// <c>loss = max(0, d(a, p) - d(a, n) + margin)</c> per triplet, with triplets mined online from a batch of labelled
/// embeddings by an <see cref="ITripletMiner"/>, or given explicitly (<see cref="ComputeTriplets"/>).
/// </summary>
/// <remarks>
/// <para>Defaults: margin 1.0 (PyTorch's <c>nn.TripletMarginLoss</c>; FaceNet's 0.2 assumes L2-normalised
/// embeddings), Euclidean distance, batch-all mining of the active triplets, mean reduction. The mean over zero mined
/// triplets is 0 (with a zero gradient), not NaN.</para>
/// <para>Mining runs on detached distances; the loss is then computed from the same differentiable distance matrix.
/// For explicit triplets with the default distance this equals <c>F.triplet_margin_loss</c> up to PyTorch's
/// <c>eps = 1e-6</c> added to differences.</para>
/// </remarks>
public sealed class TripletMarginLoss : MetricLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="margin">Required gap between the positive and negative distance; default 1.0.</param>
    /// <param name="miner">Online triplet miner; batch-all (active triplets only) when null.</param>
    /// <param name="distance">Distance between embeddings; Euclidean when null.</param>
    /// <param name="reduction">How per-triplet losses are combined; mean by default.</param>
    /// <exception cref="ArgumentOutOfRangeException">The margin is negative or not finite, or the reduction is unknown.</exception>
    public TripletMarginLoss(double margin = 1.0, ITripletMiner? miner = null, IDistance? distance = null, Reduction reduction = Reduction.Mean)
        : base(nameof(TripletMarginLoss))
    {
        LossChecks.CheckMargin(margin, nameof(margin));
        LossChecks.CheckReduction(reduction, nameof(reduction));
        Margin = margin;
        Miner = miner ?? new BatchAllTripletMiner();
        Distance = distance ?? new EuclideanDistance();
        Reduction = reduction;
    }

    /// <summary>The margin.</summary>
    public double Margin { get; }

    /// <summary>The online miner used by <see cref="Compute"/>.</summary>
    public ITripletMiner Miner { get; }

    /// <summary>The distance between embeddings.</summary>
    public IDistance Distance { get; }

    /// <summary>How per-triplet losses are combined.</summary>
    public Reduction Reduction { get; }

    /// <summary>Mines triplets from the batch with <see cref="Miner"/> and returns their loss.</summary>
    /// <param name="embeddings">Embeddings [N, D].</param>
    /// <param name="classIds">Integer class ids [N].</param>
    /// <returns>A scalar, or [T] (one per mined triplet) with <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentException">Shapes do not match.</exception>
    public override Tensor Compute(Tensor embeddings, Tensor classIds)
    {
        LossChecks.CheckLabelled(embeddings, classIds);
        using var scope = NewDisposeScope();
        var distances = Distance.Matrix(embeddings, embeddings);
        using var triplets = Miner.Mine(distances, classIds, Margin);
        var n = embeddings.shape[0];
        var flat = distances.flatten();
        var dap = flat.index_select(0, triplets.Anchors * n + triplets.Positives);
        var dan = flat.index_select(0, triplets.Anchors * n + triplets.Negatives);
        var perTriplet = (dap - dan + Margin).clamp_min(0);
        return LossChecks.Reduce(perTriplet, Reduction).MoveToOuterDisposeScope();
    }

    /// <summary>The loss of explicit triplets (no mining), like PyTorch's <c>nn.TripletMarginLoss</c>.</summary>
    /// <param name="anchors">Anchor embeddings [T, D].</param>
    /// <param name="positives">Positive embeddings [T, D].</param>
    /// <param name="negatives">Negative embeddings [T, D].</param>
    /// <returns>A scalar, or [T] with <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentException">Shapes do not match.</exception>
    public Tensor ComputeTriplets(Tensor anchors, Tensor positives, Tensor negatives)
    {
        ArgumentNullException.ThrowIfNull(negatives);
        using var scope = NewDisposeScope();
        var dap = Distance.Pairwise(anchors, positives);
        var dan = Distance.Pairwise(anchors, negatives);
        var perTriplet = (dap - dan + Margin).clamp_min(0);
        return LossChecks.Reduce(perTriplet, Reduction).MoveToOuterDisposeScope();
    }
}
