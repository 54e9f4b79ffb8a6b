namespace Siamese.Net.Training;

/// <summary>The history entry of one finished epoch.</summary>
public sealed record EpochRecord
{
    /// <summary>The epoch, 0-based.</summary>
    public required int Epoch { get; init; }

    /// <summary>Mean training loss per sample.</summary>
    public required double TrainingLoss { get; init; }

    /// <summary>The learning rate the epoch was trained with.</summary>
    public required double LearningRate { get; init; }

    /// <summary>Validation results, or <c>null</c> when the epoch was not validated.</summary>
    public ValidationMetrics? Validation { get; init; }

    /// <summary>Wall-clock time of the epoch, training and validation (the part run by this process when resumed mid-epoch).</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Whether this epoch was the best so far by the monitored metric.</summary>
    public bool IsBest { get; init; }

    /// <summary>
    /// Every metric of the epoch by key (<see cref="MetricKeys"/>: training loss, validation loss, AUC, EER, pair and
    /// N-way accuracy where measured, and whatever callbacks added).
    /// </summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
}
