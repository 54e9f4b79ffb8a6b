using Siamese.Net.Evaluation;

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
    /// Pairs: the threshold giving <see cref="Accuracy"/>, in the units of <see cref="ThresholdKind"/>: a distance
    /// (a pair is "same" when its distance is at most the threshold) or, for a BCE head, a same-probability (a pair is
    /// "same" when its probability is at least the threshold).
    /// </summary>
    public double? Threshold { get; init; }

    /// <summary>Pairs: whether <see cref="Threshold"/> is a distance or a similarity (probability).</summary>
    public ScoreKind? ThresholdKind { get; init; }

    /// <summary>Episodes: the mean number of classes (N) per episode.</summary>
    public double? Ways { get; init; }

    /// <summary>Number of validation samples (pairs, or query images for episodes).</summary>
    public required long Count { get; init; }
}
