using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>Argument checks and reduction shared by the losses.</summary>
internal static class LossChecks
{
    public static void CheckPair(Tensor first, Tensor second, PairTargets targets)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(targets);
        if (first.dim() != 2 || second.dim() != 2 || first.shape[0] != second.shape[0] || first.shape[1] != second.shape[1])
        {
            throw new ArgumentException(
                $"Expected two embedding batches of the same shape [N, D], got {Format(first)} and {Format(second)}.",
                nameof(second));
        }

        if (targets.Count != first.shape[0])
        {
            throw new ArgumentException(
                $"Expected {first.shape[0]} pair targets (one per row of [N, D] = {Format(first)}), got {targets.Count}.",
                nameof(targets));
        }
    }

    public static void CheckLabelled(Tensor embeddings, Tensor classIds)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(classIds);
        if (embeddings.dim() != 2)
        {
            throw new ArgumentException($"Expected embeddings [N, D], got {Format(embeddings)}.", nameof(embeddings));
        }

        if (classIds.dim() != 1 || classIds.shape[0] != embeddings.shape[0] || classIds.is_floating_point() || classIds.dtype == ScalarType.Bool)
        {
            throw new ArgumentException(
                $"Expected integer class ids [{embeddings.shape[0]}] (one per embedding row), got {classIds.dtype} {Format(classIds)}.",
                nameof(classIds));
        }
    }

    public static void CheckMargin(double margin, string name)
    {
        if (!(margin >= 0) || double.IsInfinity(margin))
        {
            throw new ArgumentOutOfRangeException(name, margin, "The margin must be non-negative and finite.");
        }
    }

    public static void CheckReduction(Reduction reduction, string name)
    {
        if (!Enum.IsDefined(reduction))
        {
            throw new ArgumentOutOfRangeException(name, reduction, "Unknown reduction.");
        }
    }

    /// <summary>Reduces per-item losses [N]; the mean of an empty batch is 0 rather than NaN.</summary>
    public static Tensor Reduce(Tensor perItem, Reduction reduction) => reduction switch
    {
        Reduction.Mean => perItem.shape[0] == 0 ? perItem.sum() : perItem.mean(),
        Reduction.Sum => perItem.sum(),
        Reduction.None => perItem.alias(),
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction."),
    };

    public static string Format(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
