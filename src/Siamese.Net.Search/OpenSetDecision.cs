namespace Siamese.Net.Search;

/// <summary>
/// The one rule that turns an index's nearest classes into a prediction: the nearest class, or "unknown" when its
/// distance exceeds the threshold. Every classifier (TorchSharp, ONNX) decides through it, so they agree.
/// </summary>
public static class OpenSetDecision
{
    /// <summary>Decides one query.</summary>
    /// <param name="candidates">The query's nearest classes, nearest first; at least one.</param>
    /// <param name="threshold">Distance above which the query is unknown; null never rejects.</param>
    /// <param name="metric">The metric the distances are in (for the similarity score).</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ArgumentException">There is no candidate.</exception>
    public static OneShotPrediction Decide(IReadOnlyList<SupportMatch> candidates, double? threshold, VectorMetric metric)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(metric);
        if (candidates.Count == 0)
        {
            throw new ArgumentException("A prediction needs at least one candidate class.", nameof(candidates));
        }

        var nearest = candidates[0];
        bool unknown = threshold is { } t && !(nearest.Distance <= t);
        return new OneShotPrediction(unknown ? null : nearest.Label, nearest.Label, nearest.Distance, metric.Similarity(nearest.Distance), candidates);
    }

    /// <summary>Checks a threshold value as every classifier accepts it.</summary>
    /// <param name="threshold">The threshold, or null.</param>
    /// <param name="parameterName">The argument or option name for the message.</param>
    /// <returns>The threshold.</returns>
    /// <exception cref="ArgumentOutOfRangeException">NaN or infinite.</exception>
    public static double? CheckThreshold(double? threshold, string parameterName) =>
        threshold is { } t && !double.IsFinite(t)
            ? throw new ArgumentOutOfRangeException(parameterName, t, "The threshold must be a finite number (or null to never reject).")
            : threshold;
}
