using System.Globalization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// Settings of a <see cref="SiameseTrainer"/> run. Every property has a documented default that works for the
/// tutorials' networks; <see cref="Validate"/> (called by the trainer's constructor) rejects out-of-range values
/// naming the option and the value.
/// </summary>
/// <remarks>
/// <para>The optimizer and the learning-rate schedule are TorchSharp objects made by factories (ML.NET's strategy
/// objects rather than enums): any TorchSharp optimizer or scheduler, with any parameter groups, works.</para>
/// <para>The batch size is not a trainer setting: it belongs to the <see cref="Data.IBatchSource{TBatch}"/> the trainer
/// reads, which decides what a batch contains (pairs, triplets, M images per class, episodes).</para>
/// </remarks>
public sealed record SiameseTrainerOptions
{
    /// <summary>Number of epochs (passes over the training source). Default 10. At least 1.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>
    /// Makes the optimizer from the trainable parameters (the network's, then the loss's: a BCE head, class proxies).
    /// Default: Adam with learning rate 1e-3 and weight decay 5e-4 over all of them (the tutorials' setting). Give the
    /// loss's parameters their own group for their own learning rate, e.g.
    /// <c>p =&gt; torch.optim.Adam([new Adam.ParamGroup(p.Network, 1e-3), new Adam.ParamGroup(p.Loss, 1e-2)])</c>.
    /// </summary>
    public Func<TrainableParameters, OptimizerHelper> Optimizer { get; init; } = DefaultOptimizer;

    /// <summary>Global L2 norm to which gradients are clipped before each step; null (default) for no clipping.</summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>
    /// Seed of torch's generator at each epoch (mixed with the epoch number). Default 42. An <c>int</c>, like every seed
    /// of the library (sources, samplers, splits, k-means), so one seed value can be passed everywhere.
    /// </summary>
    public int Seed { get; init; } = 42;

    /// <summary>The device to train on; null (the default) for the CPU.</summary>
    public Device? Device { get; init; }

    /// <summary>Validate every this many epochs (and after the last). Default 1.</summary>
    public int ValidateEveryEpochs { get; init; } = 1;

    /// <summary>
    /// The metric key (<see cref="MetricKeys"/>, or one a callback adds) that decides the best epoch
    /// (<see cref="EpochRecord.IsBest"/>), which <see cref="KeepBestWeights"/>, <see cref="ModelCheckpoint"/>,
    /// <see cref="EarlyStopping"/> and a plateau <see cref="LearningRateScheduler"/> follow. Default: <see cref="MetricKeys.ValidationLoss"/> with a validation source, else
    /// <see cref="MetricKeys.TrainingLoss"/>.
    /// </summary>
    public string? Monitor { get; init; }

    /// <summary>Whether the monitored metric should fall or rise; by default from its key (<see cref="MetricKeys.HigherIsBetter"/>).</summary>
    public MetricMode? MonitorMode { get; init; }

    /// <summary>Smallest change of the monitored metric that counts as an improvement. Default 0.</summary>
    public double MinDelta { get; init; }

    /// <summary>
    /// The run's checkpoint folder; null (the default) writes none. A <see cref="ModelCheckpoint"/> writes
    /// <c>last.ckpt</c> after every epoch and <c>best.ckpt</c> at each best epoch there (the trainer adds one with its
    /// defaults unless <see cref="Callbacks"/> holds one), and a cancelled run leaves a resumable <c>last.ckpt</c> there.
    /// </summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>
    /// Restore the best epoch's weights at the end (default true): the trainer adds a <see cref="KeepBestWeights"/>
    /// unless <see cref="Callbacks"/> holds one.
    /// </summary>
    public bool KeepBest { get; init; } = true;

    /// <summary>A checkpoint to resume from (with the same options and sources); null (default) starts afresh.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>Log and report progress every this many steps. Default 20.</summary>
    public int LogEverySteps { get; init; } = 20;

    /// <summary>
    /// Warn when the loss has had no active tuple (pairs, triplets) for this many steps in a row: the batches or the
    /// miner give it nothing to learn from. Default 50.
    /// </summary>
    public int NoActiveTuplesWarningSteps { get; init; } = 50;

    /// <summary>
    /// Decode every image file of the training and validation sources (<see cref="Data.IImageFileSource"/>) in parallel
    /// before the first step, and fail naming every bad file at once (default true). Turn it off when the data was
    /// verified already; a resumed run skips it.
    /// </summary>
    public bool VerifyImages { get; init; } = true;

    /// <summary>
    /// The number formats to train in: <see cref="TrainingPrecision.Float32"/> (the default) or
    /// <see cref="TrainingPrecision.MixedBFloat16"/> (float32 master weights and optimizer state, bfloat16 forward and
    /// backward; about 1.8x faster on CPUs with native bfloat16, see <see cref="TrainingPrecision.MixedBFloat16"/>).
    /// <see cref="TrainingPrecision.Auto"/> picks mixed precision only where <see cref="Native.TorchRuntime.CpuHasBFloat16"/>.
    /// Checkpoints hold float32 weights either way.
    /// </summary>
    public TrainingPrecision Precision { get; init; } = TrainingPrecision.Float32;

    /// <summary>
    /// Code run at the trainer's hooks, in this order (see <see cref="ITrainerCallback"/>): the built-in
    /// <see cref="EarlyStopping"/>, <see cref="LearningRateScheduler"/>, <see cref="ModelCheckpoint"/> (e.g. for
    /// checkpoints every few steps) or your own. Default none. The trainer adds a <see cref="KeepBestWeights"/> first
    /// (<see cref="KeepBest"/>) and a <see cref="ModelCheckpoint"/> (<see cref="CheckpointDirectory"/>) and a
    /// <see cref="ProgressReporter"/> (<see cref="SiameseTrainer.Fit"/>'s <c>progress</c>) last.
    /// </summary>
    public IReadOnlyList<ITrainerCallback> Callbacks { get; init; } = [];

    /// <summary>Checks every value; called by the <see cref="SiameseTrainer"/> constructor.</summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it and its value).</exception>
    public void Validate()
    {
        AtLeast(Epochs, 1, nameof(Epochs));
        ArgumentNullException.ThrowIfNull(Optimizer, nameof(Optimizer));
        if (GradientClipNorm is { } clip && !(clip > 0 && double.IsFinite(clip)))
        {
            throw OutOfRange(nameof(GradientClipNorm), clip, "must be positive and finite");
        }

        AtLeast(ValidateEveryEpochs, 1, nameof(ValidateEveryEpochs));
        if (Monitor is not null && string.IsNullOrWhiteSpace(Monitor))
        {
            throw new ArgumentException($"{nameof(Monitor)} is blank; use null for the default metric.", nameof(Monitor));
        }

        if (MonitorMode is { } mode && !Enum.IsDefined(mode))
        {
            throw new ArgumentException($"{nameof(MonitorMode)} = {mode} is not a defined {nameof(MetricMode)} value.", nameof(MonitorMode));
        }

        if (!(MinDelta >= 0 && double.IsFinite(MinDelta)))
        {
            throw OutOfRange(nameof(MinDelta), MinDelta, "must be zero or positive and finite");
        }

        if (CheckpointDirectory is not null && string.IsNullOrWhiteSpace(CheckpointDirectory))
        {
            throw new ArgumentException($"{nameof(CheckpointDirectory)} is blank; use null for no checkpoints.", nameof(CheckpointDirectory));
        }

        if (CheckpointDirectory is not null && File.Exists(CheckpointDirectory))
        {
            throw new ArgumentException($"{nameof(CheckpointDirectory)} '{CheckpointDirectory}' is a file, not a folder.", nameof(CheckpointDirectory));
        }

        if (ResumeFrom is not null && string.IsNullOrWhiteSpace(ResumeFrom))
        {
            throw new ArgumentException($"{nameof(ResumeFrom)} is blank; use null to start a new run.", nameof(ResumeFrom));
        }

        AtLeast(LogEverySteps, 1, nameof(LogEverySteps));
        AtLeast(NoActiveTuplesWarningSteps, 1, nameof(NoActiveTuplesWarningSteps));
        ArgumentNullException.ThrowIfNull(Precision, nameof(Precision));
        ArgumentNullException.ThrowIfNull(Callbacks, nameof(Callbacks));
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Callbacks.Count; i++)
        {
            var callback = Callbacks[i] ?? throw new ArgumentException($"{nameof(Callbacks)}[{i}] is null.", nameof(Callbacks));
            if (!names.Add(callback.Name))
            {
                throw new ArgumentException($"{nameof(Callbacks)} has two callbacks named '{callback.Name}'; give each a unique Name (it keys its checkpoint state).", nameof(Callbacks));
            }

            if (callback is ModelCheckpoint && CheckpointDirectory is null)
            {
                throw new ArgumentException($"{nameof(Callbacks)}[{i}] is a {nameof(ModelCheckpoint)}, which needs a {nameof(CheckpointDirectory)}.", nameof(Callbacks));
            }
        }
    }

    /// <summary>
    /// The run's callbacks: a <see cref="KeepBestWeights"/> (when <see cref="KeepBest"/> and none is given), then
    /// <see cref="Callbacks"/>, then a <see cref="ModelCheckpoint"/> (with a <see cref="CheckpointDirectory"/> and none
    /// given) and a <see cref="ProgressReporter"/> for <paramref name="progress"/>. Keep-best comes first so the other
    /// callbacks' <see cref="ITrainerCallback.OnFitEnd"/> see the restored weights.
    /// </summary>
    internal List<ITrainerCallback> RunCallbacks(IProgress<TrainingProgress>? progress)
    {
        var callbacks = new List<ITrainerCallback>();
        if (KeepBest && !Callbacks.OfType<KeepBestWeights>().Any())
        {
            callbacks.Add(new KeepBestWeights());
        }

        callbacks.AddRange(Callbacks);
        if (CheckpointDirectory is not null && !Callbacks.OfType<ModelCheckpoint>().Any())
        {
            callbacks.Add(new ModelCheckpoint());
        }

        if (progress is not null)
        {
            callbacks.Add(new ProgressReporter(progress));
        }

        return callbacks;
    }

    /// <summary>The metric that is followed, given whether a validation source is present.</summary>
    internal string EffectiveMonitor(bool hasValidation) =>
        Monitor ?? (hasValidation ? MetricKeys.ValidationLoss : MetricKeys.TrainingLoss);

    /// <summary>The direction of improvement of <paramref name="metric"/>.</summary>
    internal MetricMode EffectiveMode(string metric) =>
        MonitorMode ?? (MetricKeys.HigherIsBetter(metric) ? MetricMode.Max : MetricMode.Min);

    private static OptimizerHelper DefaultOptimizer(TrainableParameters parameters) =>
        new Adam(parameters.All, 1e-3, 0.9, 0.999, 1e-8, 5e-4, amsgrad: false, maximize: false);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static ArgumentOutOfRangeException OutOfRange(string name, object value, string rule) =>
        new(name, value, $"{name} {rule}; got {(value is double d ? Format(d) : value)}.");

    private static void AtLeast(int value, int minimum, string name)
    {
        if (value < minimum)
        {
            throw OutOfRange(name, value, $"must be at least {minimum}");
        }
    }
}
