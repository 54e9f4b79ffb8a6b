namespace Siamese.Net.Samples.Common.Progress;

/// <summary>
/// One progress report of a training loop, independent of the library's own progress type so that a sample maps
/// whatever its trainer reports onto it (see <see cref="SynchronousProgress{T}"/>).
/// </summary>
/// <param name="Epoch">The current epoch, 1-based.</param>
/// <param name="TotalEpochs">Epochs in the run.</param>
/// <param name="Step">Batches finished in this epoch (0..StepsPerEpoch).</param>
/// <param name="StepsPerEpoch">Batches per epoch.</param>
/// <param name="Loss">The latest training loss (at the end of an epoch: the epoch's mean loss).</param>
public sealed record TrainingStatus(int Epoch, int TotalEpochs, int Step, int StepsPerEpoch, double Loss)
{
    /// <summary>
    /// Samples (pairs, triplets or images) processed since training started; the bar derives the throughput from it
    /// when <see cref="SamplesPerSecond"/> is not given.
    /// </summary>
    public long SamplesProcessed { get; init; }

    /// <summary>Throughput measured by the trainer (it knows about data loading); preferred over the bar's own estimate.</summary>
    public double? SamplesPerSecond { get; init; }

    /// <summary>Remaining time estimated by the trainer; preferred over the bar's own estimate in epoch lines.</summary>
    public TimeSpan? EstimatedRemaining { get; init; }

    /// <summary>True on the report that closes an epoch; the bar then prints a summary line.</summary>
    public bool EpochCompleted { get; init; }

    /// <summary>The validation loss of a completed epoch, when the sample validates.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>The validation metrics of a completed epoch as a short phrase (e.g. <c>AUC 0.9876, accuracy 0.9500 (best)</c>).</summary>
    public string? ValidationSummary { get; init; }
}
