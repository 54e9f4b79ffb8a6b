using System.Globalization;

namespace Siamese.Net.Search;

/// <summary>The answer of a one-shot classifier for one query (the TorchSharp and the ONNX classifier alike).</summary>
/// <param name="Label">The predicted class, or null when the query is unknown (farther than the threshold from every class).</param>
/// <param name="NearestLabel">The nearest support class, reported even when the query is unknown.</param>
/// <param name="Distance">Distance from the query to the nearest class; smaller = more alike.</param>
/// <param name="Similarity">
/// A score in which larger = more alike (<see cref="VectorMetric.Similarity"/>); it ranks exactly as the distance does
/// and is not a calibrated probability.
/// </param>
/// <param name="Candidates">The top-k classes, nearest first (the first is <paramref name="NearestLabel"/>).</param>
public sealed record OneShotPrediction(string? Label, string NearestLabel, double Distance, double Similarity, IReadOnlyList<SupportMatch> Candidates)
{
    /// <summary>True when the query matches no class: its nearest class is farther than the threshold.</summary>
    public bool IsUnknown => Label is null;

    /// <inheritdoc />
    public override string ToString() => IsUnknown
        ? string.Create(CultureInfo.InvariantCulture, $"No match found (nearest '{NearestLabel}' at distance {Distance:G4})")
        : string.Create(CultureInfo.InvariantCulture, $"{Label} (distance {Distance:G4})");
}
