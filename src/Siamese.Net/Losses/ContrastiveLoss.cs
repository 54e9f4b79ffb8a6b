using Siamese.Net.Distances;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// Contrastive loss (Hadsell, Chopra and LeCun, 2006): pulls same pairs together and pushes different pairs at least
/// <see cref="Margin"/> apart.
/// </summary>
/// <remarks>
/// <para>For a pair with distance <c>d</c> (by default Euclidean):
/// <c>loss = d^2</c> for a <see cref="PairLabel.Same"/> pair and <c>loss = max(0, margin - d)^2</c> for a
/// <see cref="PairLabel.Different"/> pair, then reduced over the batch (mean by default).</para>
/// <para>The defaults reproduce the PyTorch code of the signature, Siamese and one-shot tutorials
/// (<c>torch.mean((1 - label) * d^2 + label * clamp(margin - d, min=0)^2)</c> with margin 2.0): no factor 1/2.
/// Their label convention (0 = same) is replaced by typed <see cref="PairTargets"/>. The original paper and the first
/// SigNet tutorial multiply both terms by 1/2; pass <c>halve: true</c> to get that form (it halves the loss and its
/// gradient, i.e. is equivalent to halving the learning rate under SGD).</para>
/// </remarks>
public sealed class ContrastiveLoss : PairLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="margin">Distance beyond which a different pair costs nothing; default 2.0 as in the tutorials.</param>
    /// <param name="distance">Distance between embeddings; Euclidean when null.</param>
    /// <param name="reduction">How per-pair losses are combined; mean by default.</param>
    /// <param name="halve">Multiply the loss by 1/2 as in Hadsell et al.; false by default, as in the tutorials.</param>
    /// <exception cref="ArgumentOutOfRangeException">The margin is negative or not finite, or the reduction is unknown.</exception>
    public ContrastiveLoss(double margin = 2.0, IDistance? distance = null, Reduction reduction = Reduction.Mean, bool halve = false)
        : base(nameof(ContrastiveLoss))
    {
        LossChecks.CheckMargin(margin, nameof(margin));
        LossChecks.CheckReduction(reduction, nameof(reduction));
        Margin = margin;
        Distance = distance ?? new EuclideanDistance();
        Reduction = reduction;
        Halve = halve;
    }

    /// <summary>The margin for different pairs.</summary>
    public double Margin { get; }

    /// <summary>The distance between embeddings.</summary>
    public IDistance Distance { get; }

    /// <summary>How per-pair losses are combined.</summary>
    public Reduction Reduction { get; }

    /// <summary>Whether the loss carries the factor 1/2 of Hadsell et al.</summary>
    public bool Halve { get; }

    /// <inheritdoc />
    public override Tensor Compute(Tensor first, Tensor second, PairTargets targets)
    {
        LossChecks.CheckPair(first, second, targets);
        using var scope = NewDisposeScope();
        var d = Distance.Pairwise(first, second);
        var same = targets.IsSame.to(d.device);
        var perPair = where(same, d.square(), (Margin - d).clamp_min(0).square());
        if (Halve)
        {
            perPair = perPair * 0.5;
        }

        return LossChecks.Reduce(perPair, Reduction).MoveToOuterDisposeScope();
    }
}
