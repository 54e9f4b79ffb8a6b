using static TorchSharp.torch;

namespace Siamese.Net.Distances;

/// <summary>Shape checks shared by the distances, so every one reports bad input the same way.</summary>
internal static class DistanceShapes
{
    public static void CheckPairwise(Tensor first, Tensor second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.dim() != 2 || second.dim() != 2 || first.shape[0] != second.shape[0] || first.shape[1] != second.shape[1])
        {
            throw new ArgumentException(
                $"Expected two embedding batches of the same shape [N, D], got {Format(first)} and {Format(second)}.",
                nameof(second));
        }
    }

    public static void CheckMatrix(Tensor queries, Tensor references)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(references);
        if (queries.dim() != 2 || references.dim() != 2 || queries.shape[1] != references.shape[1])
        {
            throw new ArgumentException(
                $"Expected embeddings [Q, D] and [R, D] with the same D, got {Format(queries)} and {Format(references)}.",
                nameof(references));
        }
    }

    public static string Format(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
