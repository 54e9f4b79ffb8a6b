using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Losses.Miners;

/// <summary>Masks of valid positives and negatives, shared by the miners.</summary>
internal static class MinerMasks
{
    /// <summary>[N, N] masks: positive[a, p] = same class and a != p; negative[a, n] = different class.</summary>
    public static (Tensor Positive, Tensor Negative) Build(Tensor distances, Tensor classIds)
    {
        ArgumentNullException.ThrowIfNull(distances);
        ArgumentNullException.ThrowIfNull(classIds);
        long n = classIds.dim() == 1 ? classIds.shape[0] : -1;
        if (n < 0 || distances.dim() != 2 || distances.shape[0] != n || distances.shape[1] != n)
        {
            throw new ArgumentException(
                $"Expected distances [N, N] and class ids [N], got [{string.Join(", ", distances.shape)}] and [{string.Join(", ", classIds.shape)}].",
                nameof(distances));
        }

        var ids = classIds.to(distances.device);
        var same = ids.unsqueeze(1).eq(ids.unsqueeze(0));
        var notSelf = eye(n, dtype: ScalarType.Bool, device: distances.device).logical_not();
        return (same.logical_and(notSelf), same.logical_not());
    }

    public static TripletIndices FromColumns(Tensor a, Tensor p, Tensor n) =>
        new(a.to_type(ScalarType.Int64).MoveToOuterDisposeScope(),
            p.to_type(ScalarType.Int64).MoveToOuterDisposeScope(),
            n.to_type(ScalarType.Int64).MoveToOuterDisposeScope());
}
