namespace Siamese.Net.Search;

/// <summary>
/// How far apart two embedding vectors are, as a support index ranks them: smaller means more alike. The presets in
/// <see cref="KnownMetrics"/> are the ones every index supports (the exact index, USearch, pgvector); a user metric
/// derives from this class and works with <see cref="ExactSupportIndex"/>.
/// </summary>
public abstract class VectorMetric
{
    /// <summary>A short, stable name used in saved files and error messages, e.g. <c>"euclidean"</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The distance between two vectors of the same length; smaller means more alike.</summary>
    /// <param name="first">A vector.</param>
    /// <param name="second">A vector of the same length.</param>
    /// <returns>The distance.</returns>
    public abstract float Distance(ReadOnlySpan<float> first, ReadOnlySpan<float> second);

    /// <summary>
    /// A score in which larger means more alike, for display: <c>1 - distance</c> for metrics whose distance is
    /// one minus a similarity (cosine, inner product), otherwise <c>1 / (1 + distance)</c>. It ranks exactly as the
    /// distance does and is not a calibrated probability.
    /// </summary>
    /// <param name="distance">A distance under this metric.</param>
    /// <returns>The similarity.</returns>
    public virtual double Similarity(double distance) => 1.0 / (1.0 + distance);

    /// <inheritdoc />
    public override string ToString() => Name;
}
