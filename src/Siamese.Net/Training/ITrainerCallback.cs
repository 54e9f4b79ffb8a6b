using System.Text.Json.Nodes;

namespace Siamese.Net.Training;

/// <summary>
/// Code that runs at fixed points of <see cref="SiameseTrainer.Fit"/> (Lightning's <c>Callback</c>, ML.NET's
/// <c>MetricsCallback</c>): logging, extra metrics, freezing layers, a custom stopping rule. Every hook has an
/// empty default, so a callback implements only what it needs. Callbacks run in the order of
/// <see cref="SiameseTrainerOptions.Callbacks"/>, on the training thread. The library's own policies are callbacks
/// too: <see cref="EarlyStopping"/>, <see cref="KeepBestWeights"/>, <see cref="ModelCheckpoint"/>,
/// <see cref="ProgressReporter"/> and <see cref="LearningRateScheduler"/>.
/// </summary>
/// <remarks>
/// <para>Order of a run: <see cref="Setup"/>; on resume <see cref="LoadState"/> (before the checkpoint's weights and
/// optimizer state are loaded); <see cref="OnFitStart"/>; per epoch <see cref="OnEpochStart"/>, per step
/// <see cref="OnBatchEnd"/> (and <see cref="OnProgress"/> at log steps), <see cref="OnValidationStart"/> /
/// <see cref="OnValidationEnd"/> when validating, <see cref="OnEpochEnd"/>; finally <see cref="OnFitEnd"/>.</para>
/// <para>A callback with state that must survive a resume returns it from <see cref="SaveState"/>; the trainer stores it
/// in every checkpoint under <see cref="Name"/> and hands it back through <see cref="LoadState"/> before the resumed run
/// calls any other hook, so a resumed run behaves exactly like an uninterrupted one. A callback instance may be used
/// by several runs: reset per-run state in <see cref="Setup"/>.</para>
/// </remarks>
public interface ITrainerCallback
{
    /// <summary>A stable name, unique among the run's callbacks: the key of its state in checkpoints.</summary>
    string Name => GetType().FullName ?? GetType().Name;

    /// <summary>
    /// Called once when a run is built, after the optimizer exists and before a checkpoint is restored (Lightning's
    /// <c>setup</c>): reset per-run state and make objects that depend on the optimizer (a learning-rate scheduler).
    /// </summary>
    /// <param name="context">The run.</param>
    void Setup(TrainerContext context)
    {
    }

    /// <summary>Called once before the first epoch (also on resume, after <see cref="LoadState"/>).</summary>
    /// <param name="context">The run.</param>
    void OnFitStart(TrainerContext context)
    {
    }

    /// <summary>Called before each epoch's first step.</summary>
    /// <param name="context">The run.</param>
    void OnEpochStart(TrainerContext context)
    {
    }

    /// <summary>Called after each optimizer step. Reading <see cref="StepResult.Loss"/> waits for the device.</summary>
    /// <param name="context">The run.</param>
    /// <param name="result">The step's loss and tuple counts.</param>
    void OnBatchEnd(TrainerContext context, StepResult result)
    {
    }

    /// <summary>
    /// Called with each progress snapshot: every <see cref="SiameseTrainerOptions.LogEverySteps"/> steps and at the
    /// last step of each epoch, after the loss so far has been read from the device.
    /// </summary>
    /// <param name="context">The run.</param>
    /// <param name="progress">Epoch, step, mean loss so far, learning rate, throughput and time left.</param>
    void OnProgress(TrainerContext context, TrainingProgress progress)
    {
    }

    /// <summary>Called before a validation pass (the modules are switched to evaluation mode after it).</summary>
    /// <param name="context">The run.</param>
    void OnValidationStart(TrainerContext context)
    {
    }

    /// <summary>
    /// Called after a validation pass, before the monitored metric is read: add metrics to
    /// <see cref="TrainerContext.Metrics"/> here to monitor them (e.g. MAP@R).
    /// </summary>
    /// <param name="context">The run.</param>
    /// <param name="metrics">What the trainer's validation measured.</param>
    void OnValidationEnd(TrainerContext context, ValidationMetrics metrics)
    {
    }

    /// <summary>
    /// Called after each epoch, once its record is complete (<see cref="EpochRecord.IsBest"/> says whether the
    /// monitored metric improved) and before the checkpoints it requests are written.
    /// </summary>
    /// <param name="context">The run.</param>
    /// <param name="epoch">The epoch's record.</param>
    void OnEpochEnd(TrainerContext context, EpochRecord epoch)
    {
    }

    /// <summary>Called once after the last epoch (not after an exception or cancellation).</summary>
    /// <param name="context">The run.</param>
    void OnFitEnd(TrainerContext context)
    {
    }

    /// <summary>The callback's state for checkpoints, or null when it has none.</summary>
    /// <returns>A JSON value.</returns>
    JsonNode? SaveState() => null;

    /// <summary>
    /// Restores the state saved by <see cref="SaveState"/> when a run resumes; called after <see cref="Setup"/> and
    /// before the checkpoint's weights and optimizer state are loaded into the modules.
    /// </summary>
    /// <param name="state">The saved state.</param>
    void LoadState(JsonNode state)
    {
    }
}
