using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Distances;

/// <summary>
/// Comparisons that depend on whether an <see cref="IDistance"/> is a distance or a similarity, written once so that
/// losses, miners and evaluation agree on what "closer" means.
/// </summary>
public static class DistanceExtensions
{
    /// <summary>
    /// How much farther <paramref name="far"/> is than <paramref name="near"/>: <c>far - near</c> for a distance,
    /// <c>near - far</c> for a similarity. Positive when the ordering is right; a margin loss penalises
    /// <c>margin - Margin(...)</c>.
    /// </summary>
    /// <param name="distance">The distance or similarity.</param>
    /// <param name="near">Values that should be the closer ones (e.g. anchor-positive).</param>
    /// <param name="far">Values that should be the farther ones (e.g. anchor-negative).</param>
    /// <returns>The signed gap.</returns>
    public static Tensor Margin(this IDistance distance, Tensor near, Tensor far)
    {
        ArgumentNullException.ThrowIfNull(distance);
        return distance.IsSimilarity ? near - far : far - near;
    }

    /// <summary>
    /// Turns values of <paramref name="distance"/> into distance-like scores (smaller = more alike):
    /// <c>1 - s</c> for a similarity, so a dot product becomes the inner-product distance of
    /// <see cref="Search.KnownMetrics.InnerProduct"/> and every index reports the same numbers.
    /// </summary>
    /// <param name="distance">The distance or similarity.</param>
    /// <param name="values">Its values.</param>
    /// <returns><paramref name="values"/> for a distance, <c>1 - values</c> for a similarity.</returns>
    public static Tensor AsDistance(this IDistance distance, Tensor values)
    {
        ArgumentNullException.ThrowIfNull(distance);
        if (!distance.IsSimilarity)
        {
            return values.alias();
        }

        // Scalars held explicitly: TorchSharp 0.107 lets the GC free an implicit temporary Scalar mid-call.
        using var one = 1.0.ToScalar();
        return values.neg().add_(one, one);
    }
}
