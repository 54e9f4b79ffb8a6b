namespace Siamese.Net.Training;

/// <summary>
/// A progress report of <see cref="SiameseTrainer"/>, sent every few steps, at each epoch's last step, and once more
/// after the epoch's validation with <see cref="CompletedEpoch"/> set.
/// </summary>
/// <param name="Epoch">The epoch in progress, 0-based.</param>
/// <param name="Epochs">Total number of epochs of the run.</param>
/// <param name="Step">Steps done in this epoch.</param>
/// <param name="StepsPerEpoch">Steps in one epoch.</param>
/// <param name="GlobalStep">Steps done since the start of training (including steps of a resumed run).</param>
/// <param name="Loss">Mean training loss per sample over the epoch so far.</param>
/// <param name="LearningRate">Learning rate in use.</param>
/// <param name="SamplesPerSecond">Training throughput of this process so far (pairs or images per second).</param>
/// <param name="EstimatedRemaining">Estimated time until the last epoch ends (validation excluded), at the current throughput.</param>
public sealed record TrainingProgress(
    int Epoch,
    int Epochs,
    int Step,
    int StepsPerEpoch,
    long GlobalStep,
    double Loss,
    double LearningRate,
    double SamplesPerSecond,
    TimeSpan EstimatedRemaining)
{
    /// <summary>
    /// The finished epoch (training loss, validation metrics, whether it is the best so far) on the one report sent after
    /// its validation and keep-best decision; null on step reports. Lets a progress display print validation per epoch.
    /// </summary>
    public EpochRecord? CompletedEpoch { get; init; }
}
