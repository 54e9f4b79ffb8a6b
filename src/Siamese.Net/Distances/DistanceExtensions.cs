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

    /// <summary>Turns values of <paramref name="distance"/> into distance-like scores (smaller = more alike).</summary>
    /// <param name="distance">The distance or similarity.</param>
    /// <param name="values">Its values.</param>
    /// <returns><paramref name="values"/> for a distance, their negation for a similarity.</returns>
    public static Tensor AsDistance(this IDistance distance, Tensor values)
    {
        ArgumentNullException.ThrowIfNull(distance);
        return distance.IsSimilarity ? values.neg() : values.alias();
    }
}
