namespace Siamese.Net.Training;

/// <summary>
/// Sends the trainer's progress snapshots to an <see cref="IProgress{T}"/> (a console bar, a UI): every
/// <see cref="SiameseTrainerOptions.LogEverySteps"/> steps, at each epoch's last step, and once more after each epoch
/// with <see cref="TrainingProgress.CompletedEpoch"/> set. The trainer adds one for the <c>progress</c> argument of
/// <see cref="SiameseTrainer.Fit"/>.
/// </summary>
public sealed class ProgressReporter : ITrainerCallback
{
    private readonly IProgress<TrainingProgress> _progress;
    private TrainingProgress? _last;

    /// <summary>Creates the callback.</summary>
    /// <param name="progress">Receives the reports, on the training thread.</param>
    /// <exception cref="ArgumentNullException"><paramref name="progress"/> is null.</exception>
    public ProgressReporter(IProgress<TrainingProgress> progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        _progress = progress;
    }

    /// <inheritdoc />
    public void Setup(TrainerContext context) => _last = null;

    /// <inheritdoc />
    public void OnProgress(TrainerContext context, TrainingProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        _last = progress;
        _progress.Report(progress);
    }

    /// <inheritdoc />
    public void OnEpochEnd(TrainerContext context, EpochRecord epoch)
    {
        if (_last is not null)
        {
            _progress.Report(_last with { CompletedEpoch = epoch });
        }
    }
}
