namespace Siamese.Net.Training;

/// <summary>
/// Writes resumable checkpoints into the run's checkpoint folder (<see cref="SiameseTrainerOptions.CheckpointDirectory"/>;
/// Lightning's and Keras's <c>ModelCheckpoint</c>): <see cref="LastFileName"/> after every epoch (and every
/// <see cref="EverySteps"/> steps within one, when set), and <see cref="BestFileName"/> after each epoch that is the best
/// so far by the monitored metric. The trainer adds one with these defaults when a checkpoint folder is set and
/// <see cref="SiameseTrainerOptions.Callbacks"/> holds none; add your own to change them.
/// </summary>
/// <remarks>
/// Checkpoints are written by the trainer (<see cref="TrainerContext.SaveCheckpoint"/>): atomically, after a check
/// that no weight is NaN or infinite, with every callback's state. A cancelled run writes <see cref="LastFileName"/>
/// too, whatever its callbacks. Resume with <see cref="SiameseTrainerOptions.ResumeFrom"/>.
/// </remarks>
public sealed class ModelCheckpoint : ITrainerCallback
{
    /// <summary>File name of the rolling checkpoint in the checkpoint folder.</summary>
    public const string LastFileName = "last.ckpt";

    /// <summary>File name of the best-epoch checkpoint in the checkpoint folder.</summary>
    public const string BestFileName = "best.ckpt";

    /// <summary>Creates the callback.</summary>
    /// <param name="everySteps">Also write <see cref="LastFileName"/> every this many steps within an epoch (at least 1),
    /// so a crash loses at most that many steps; null (the default) writes it only at epoch ends.</param>
    /// <param name="saveBest">Whether to write <see cref="BestFileName"/> at each best epoch (default true).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="everySteps"/> is below 1.</exception>
    public ModelCheckpoint(int? everySteps = null, bool saveBest = true)
    {
        if (everySteps is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(everySteps), everySteps, $"{nameof(everySteps)} must be at least 1; got {everySteps}.");
        }

        EverySteps = everySteps;
        SaveBest = saveBest;
    }

    /// <summary>Steps between mid-epoch checkpoints, or null for epoch ends only.</summary>
    public int? EverySteps { get; }

    /// <summary>Whether <see cref="BestFileName"/> is written at each best epoch.</summary>
    public bool SaveBest { get; }

    /// <summary>The best-epoch checkpoint the current run wrote (or resumed with), or null.</summary>
    public string? BestCheckpoint { get; private set; }

    /// <inheritdoc />
    public string Name => nameof(ModelCheckpoint);

    /// <inheritdoc />
    public void Setup(TrainerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.CheckpointDirectory is null)
        {
            throw new ArgumentException(
                $"{nameof(ModelCheckpoint)} needs {nameof(SiameseTrainerOptions)}.{nameof(SiameseTrainerOptions.CheckpointDirectory)}, the folder it writes to.",
                nameof(context));
        }

        BestCheckpoint = null;
        if (context.ResumedFrom is { } resumed)
        {
            var best = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(resumed))!, BestFileName);
            BestCheckpoint = File.Exists(best) ? best : null;
        }
    }

    /// <inheritdoc />
    public void OnBatchEnd(TrainerContext context, StepResult result)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (EverySteps is { } every && context.Step % every == 0 && context.Step < context.StepsPerEpoch)
        {
            context.SaveCheckpoint(Path.Combine(context.CheckpointDirectory!, LastFileName));
        }
    }

    /// <inheritdoc />
    public void OnEpochEnd(TrainerContext context, EpochRecord epoch)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(epoch);
        context.SaveCheckpoint(Path.Combine(context.CheckpointDirectory!, LastFileName));
        if (SaveBest && epoch.IsBest)
        {
            BestCheckpoint = Path.Combine(context.CheckpointDirectory!, BestFileName);
            context.SaveCheckpoint(BestCheckpoint);
        }
    }
}
