using Siamese.Net.Training;

namespace Siamese.Net.Samples.Common.Progress;

/// <summary>Connects <see cref="SiameseTrainer"/>'s progress reports to a <see cref="TrainingProgressBar"/>.</summary>
public static class TrainerProgress
{
    /// <summary>
    /// An <see cref="IProgress{T}"/> to pass to <c>SiameseTrainer.Fit</c> that shows each report on
    /// <paramref name="bar"/>, synchronously and in order (the trainer counts epochs from 0, the bar from 1).
    /// </summary>
    public static IProgress<TrainingProgress> For(IProgress<TrainingStatus> bar) =>
        ProgressMapping.Map<TrainingProgress, TrainingStatus>(bar, p =>
            new TrainingStatus(p.Epoch + 1, p.Epochs, p.Step, p.StepsPerEpoch, p.Loss)
            {
                SamplesPerSecond = p.SamplesPerSecond,
                EstimatedRemaining = p.EstimatedRemaining,
                EpochCompleted = p.Step == p.StepsPerEpoch,
            });
}
