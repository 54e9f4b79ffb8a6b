using System.Globalization;

namespace Siamese.Net.Inference;

/// <summary>The answer of a <see cref="OneShotClassifier"/> for one query.</summary>
/// <param name="Label">The nearest support class (reported even when <paramref name="IsUnknown"/>).</param>
/// <param name="Distance">Distance from the query to that class; smaller = more alike.</param>
/// <param name="Similarity">
/// A score in which larger = more alike: the cosine similarity (1 - distance) with the cosine distance, otherwise
/// 1 / (1 + distance), in (0, 1]. It ranks exactly as the distance does; it is not a calibrated probability.
/// </param>
/// <param name="IsUnknown">True when the distance exceeds the classifier's threshold: the query matches no class.</param>
/// <param name="Candidates">The top-k classes, nearest first (the first is <paramref name="Label"/>).</param>
public sealed record OneShotPrediction(string Label, double Distance, double Similarity, bool IsUnknown, IReadOnlyList<SupportMatch> Candidates)
{
    /// <summary>The predicted class, or null when the query is unknown.</summary>
    public string? AcceptedLabel => IsUnknown ? null : Label;

    /// <inheritdoc />
    public override string ToString() => IsUnknown
        ? string.Create(CultureInfo.InvariantCulture, $"No match found (nearest '{Label}' at distance {Distance:G4})")
        : string.Create(CultureInfo.InvariantCulture, $"{Label} (distance {Distance:G4})");
}
