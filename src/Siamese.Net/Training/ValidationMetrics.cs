namespace Siamese.Net.Training;

/// <summary>What one validation pass measured. Pair-only and episode-only values are <c>null</c> for the other task.</summary>
public sealed record ValidationMetrics
{
    /// <summary>Mean validation loss per sample.</summary>
    public required double Loss { get; init; }

    /// <summary>Pairs: area under the ROC curve of the same-pair score (1 = perfect, 0.5 = chance).</summary>
    public double? RocAuc { get; init; }

    /// <summary>Pairs: equal error rate, where false accepts equal false rejects (0 = perfect).</summary>
    public double? Eer { get; init; }

    /// <summary>Pairs: accuracy at <see cref="Threshold"/>. Episodes: N-way accuracy of the queries.</summary>
    public required double Accuracy { get; init; }

    /// <summary>
    /// Pairs: the score threshold giving <see cref="Accuracy"/>. A pair is called "same" when its score is at least
    /// the threshold; the score is the negated distance, or the same-probability for a BCE head.
    /// </summary>
    public double? Threshold { get; init; }

    /// <summary>Episodes: the mean number of classes (N) per episode.</summary>
    public double? Ways { get; init; }

    /// <summary>Number of validation samples (pairs, or query images for episodes).</summary>
    public required long Count { get; init; }
}
