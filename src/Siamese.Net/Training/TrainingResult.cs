namespace Siamese.Net.Training;

/// <summary>What <see cref="SiameseTrainer"/> returns once training ends (all epochs done or stopped early).</summary>
public sealed record TrainingResult
{
    /// <summary>One entry per finished epoch, in order (including epochs of the run a resume continued).</summary>
    public required IReadOnlyList<EpochRecord> History { get; init; }

    /// <summary>The metric used to choose the best epoch and for early stopping.</summary>
    public required string Monitor { get; init; }

    /// <summary>The best epoch by <see cref="Monitor"/>, or <c>null</c> when it was never measured.</summary>
    public int? BestEpoch { get; init; }

    /// <summary>The value of <see cref="Monitor"/> at <see cref="BestEpoch"/>.</summary>
    public double? BestMetric { get; init; }

    /// <summary>
    /// Whether the network (and any trainable loss head) now holds the weights of <see cref="BestEpoch"/>
    /// (a <see cref="KeepBestWeights"/>, <see cref="SiameseTrainerOptions.KeepBest"/>); otherwise it holds the weights
    /// of the last epoch.
    /// </summary>
    public bool RestoredBest { get; init; }

    /// <summary>Whether early stopping ended the run before the last epoch.</summary>
    public required bool StoppedEarly { get; init; }

    /// <summary>Total optimizer steps, including those of a resumed run.</summary>
    public required long GlobalSteps { get; init; }

    /// <summary>Path of the last checkpoint written, or <c>null</c> without a checkpoint folder.</summary>
    public string? LastCheckpoint { get; init; }

    /// <summary>Path of the best-epoch checkpoint of the run's <see cref="ModelCheckpoint"/>, or <c>null</c> when none was written.</summary>
    public string? BestCheckpoint { get; init; }
}
