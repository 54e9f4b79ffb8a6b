using System.Globalization;

namespace Siamese.Net.Training;

/// <summary>
/// Settings of a <see cref="SiameseTrainer"/> run. Every property has a documented default that works for the
/// tutorials' networks; <see cref="Validate"/> (called by the trainer's constructor) rejects out-of-range values
/// naming the option and the value.
/// </summary>
/// <remarks>
/// The batch size is not a trainer setting: it belongs to the <see cref="Data.IBatchSource{TBatch}"/> (data loader or
/// sampler) the trainer reads, which is where it decides what a batch contains (pairs, or M images per class).
/// </remarks>
public sealed record SiameseTrainerOptions
{
    /// <summary>Number of epochs (passes over the training source). Default 10. At least 1.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>The optimizer. Default <see cref="OptimizerKind.Adam"/>.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Initial learning rate. Default 1e-3 (the tutorials' Adam setting). Positive and finite.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>
    /// Weight decay. Default 5e-4 (the tutorials' setting). For Adam and SGD it is an L2 penalty added to the
    /// gradient; for AdamW it is decoupled. Zero or positive.
    /// </summary>
    public double WeightDecay { get; init; } = 5e-4;

    /// <summary>SGD momentum. Default 0.9. In [0, 1). Ignored by Adam and AdamW.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Adam/AdamW first-moment decay. Default 0.9. In [0, 1).</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam/AdamW second-moment decay. Default 0.999. In [0, 1).</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Learning-rate schedule, stepped once per epoch. Default <see cref="LearningRateSchedule.Constant"/>.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>Epochs between two decays of the <see cref="LearningRateSchedule.Step"/> schedule. Default 10. At least 1.</summary>
    public int StepSize { get; init; } = 10;

    /// <summary>Decay factor of the <see cref="LearningRateSchedule.Step"/> schedule. Default 0.1. In (0, 1].</summary>
    public double StepGamma { get; init; } = 0.1;

    /// <summary>Final learning rate of the <see cref="LearningRateSchedule.Cosine"/> schedule. Default 0. At least 0.</summary>
    public double MinLearningRate { get; init; }

    /// <summary>Decay factor of <see cref="LearningRateSchedule.ReduceOnPlateau"/>. Default 0.1. In (0, 1).</summary>
    public double PlateauFactor { get; init; } = 0.1;

    /// <summary>
    /// Evaluations without improvement of the monitored metric before <see cref="LearningRateSchedule.ReduceOnPlateau"/>
    /// lowers the learning rate. Default 5. At least 0.
    /// </summary>
    public int PlateauPatience { get; init; } = 5;

    /// <summary>
    /// Maximum global L2 norm of the gradients (clipping), or <c>null</c> (the default) for no clipping.
    /// Positive and finite when set.
    /// </summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>
    /// Seed of the training randomness the trainer controls (dropout and any other use of torch's random generator
    /// during an epoch; reseeded from (seed, epoch) at each epoch start). Default 42. The batch source has its own seed.
    /// </summary>
    public long Seed { get; init; } = 42;

    /// <summary>Device to train on. Default <see cref="TrainingDevice.Cpu"/>.</summary>
    public TrainingDevice Device { get; init; } = TrainingDevice.Cpu;

    /// <summary>Validate every this many epochs (and always after the last epoch). Default 1. At least 1.</summary>
    public int ValidateEveryEpochs { get; init; } = 1;

    /// <summary>
    /// The metric that early stopping, <see cref="LearningRateSchedule.ReduceOnPlateau"/> and <see cref="KeepBest"/>
    /// follow; <c>null</c> (the default) means <see cref="TrainingMetric.ValidationLoss"/> when a validation source
    /// is given and <see cref="TrainingMetric.TrainingLoss"/> otherwise.
    /// </summary>
    public TrainingMetric? Monitor { get; init; }

    /// <summary>
    /// Whether the monitored metric improves downwards or upwards; <c>null</c> (the default) infers it from the metric
    /// (losses and EER: <see cref="MetricMode.Min"/>; AUC and accuracy: <see cref="MetricMode.Max"/>).
    /// </summary>
    public MetricMode? MonitorMode { get; init; }

    /// <summary>Smallest change of the monitored metric that counts as an improvement. Default 0. At least 0.</summary>
    public double MinDelta { get; init; }

    /// <summary>
    /// Stop after this many evaluations of the monitored metric without improvement; <c>null</c> (the default)
    /// disables early stopping. At least 1 when set.
    /// </summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>
    /// Folder for checkpoints (<c>last.ckpt</c> after every epoch and on cancellation, <c>best.ckpt</c> at the best
    /// epoch); <c>null</c> (the default) writes none. Created when missing.
    /// </summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>
    /// Also write <c>last.ckpt</c> every this many steps within an epoch, so that a crash in a long epoch loses at most
    /// this many steps; <c>null</c> (the default) checkpoints at epoch ends (and on cancellation) only. At least 1 when
    /// set; needs <see cref="CheckpointDirectory"/>.
    /// </summary>
    public int? CheckpointEverySteps { get; init; }

    /// <summary>
    /// Track the weights of the best epoch (by <see cref="Monitor"/>) and load them into the network when
    /// <see cref="SiameseTrainer"/> finishes. Default <c>true</c>.
    /// </summary>
    public bool KeepBest { get; init; } = true;

    /// <summary>
    /// A checkpoint written by an earlier run to continue from (for example <c>last.ckpt</c> after a cancellation);
    /// <c>null</c> (the default) starts from the network's current weights.
    /// </summary>
    public string? ResumeFrom { get; init; }

    /// <summary>
    /// Steps between two progress reports and log lines. The training loss is read from the device (a
    /// synchronisation) and checked for NaN/infinity only at these points and at epoch ends. Default 20. At least 1.
    /// </summary>
    public int LogEverySteps { get; init; } = 20;

    /// <summary>Throws when a setting is out of range, naming the option and its value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A numeric option is out of range.</exception>
    /// <exception cref="ArgumentException">An enum option is not defined or options contradict each other.</exception>
    public void Validate()
    {
        AtLeast(Epochs, 1, nameof(Epochs));
        Defined(Optimizer, nameof(Optimizer));
        PositiveFinite(LearningRate, nameof(LearningRate));
        if (!(WeightDecay >= 0 && double.IsFinite(WeightDecay)))
        {
            throw OutOfRange(nameof(WeightDecay), WeightDecay, "must be zero or positive and finite");
        }

        UnitInterval(Momentum, nameof(Momentum));
        UnitInterval(Beta1, nameof(Beta1));
        UnitInterval(Beta2, nameof(Beta2));
        Defined(Schedule, nameof(Schedule));
        AtLeast(StepSize, 1, nameof(StepSize));
        if (!(StepGamma > 0 && StepGamma <= 1))
        {
            throw OutOfRange(nameof(StepGamma), StepGamma, "must be in (0, 1]");
        }

        if (!(MinLearningRate >= 0 && MinLearningRate <= LearningRate))
        {
            throw OutOfRange(nameof(MinLearningRate), MinLearningRate, $"must be in [0, LearningRate = {Format(LearningRate)}]");
        }

        if (!(PlateauFactor > 0 && PlateauFactor < 1))
        {
            throw OutOfRange(nameof(PlateauFactor), PlateauFactor, "must be in (0, 1)");
        }

        AtLeast(PlateauPatience, 0, nameof(PlateauPatience));
        if (GradientClipNorm is { } clip)
        {
            PositiveFinite(clip, nameof(GradientClipNorm));
        }

        Defined(Device, nameof(Device));
        AtLeast(ValidateEveryEpochs, 1, nameof(ValidateEveryEpochs));
        if (Monitor is { } monitor)
        {
            Defined(monitor, nameof(Monitor));
        }

        if (MonitorMode is { } mode)
        {
            Defined(mode, nameof(MonitorMode));
        }

        if (!(MinDelta >= 0 && double.IsFinite(MinDelta)))
        {
            throw OutOfRange(nameof(MinDelta), MinDelta, "must be zero or positive and finite");
        }

        if (EarlyStoppingPatience is { } patience)
        {
            AtLeast(patience, 1, nameof(EarlyStoppingPatience));
        }

        if (CheckpointDirectory is not null && string.IsNullOrWhiteSpace(CheckpointDirectory))
        {
            throw new ArgumentException($"{nameof(CheckpointDirectory)} is blank; use null for no checkpoints.", nameof(CheckpointDirectory));
        }

        if (CheckpointEverySteps is { } every)
        {
            AtLeast(every, 1, nameof(CheckpointEverySteps));
            if (CheckpointDirectory is null)
            {
                throw new ArgumentException($"{nameof(CheckpointEverySteps)} = {every} needs a {nameof(CheckpointDirectory)}.", nameof(CheckpointEverySteps));
            }
        }

        if (ResumeFrom is not null && string.IsNullOrWhiteSpace(ResumeFrom))
        {
            throw new ArgumentException($"{nameof(ResumeFrom)} is blank; use null to start a new run.", nameof(ResumeFrom));
        }

        AtLeast(LogEverySteps, 1, nameof(LogEverySteps));
    }

    /// <summary>The metric that is followed, given whether a validation source is present.</summary>
    internal TrainingMetric EffectiveMonitor(bool hasValidation) =>
        Monitor ?? (hasValidation ? TrainingMetric.ValidationLoss : TrainingMetric.TrainingLoss);

    /// <summary>The direction of improvement of <paramref name="metric"/>.</summary>
    internal MetricMode EffectiveMode(TrainingMetric metric) =>
        MonitorMode ?? (metric is TrainingMetric.ValidationRocAuc or TrainingMetric.ValidationAccuracy ? MetricMode.Max : MetricMode.Min);

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

    private static void PositiveFinite(double value, string name)
    {
        if (!(value > 0 && double.IsFinite(value)))
        {
            throw OutOfRange(name, value, "must be positive and finite");
        }
    }

    private static void UnitInterval(double value, string name)
    {
        if (!(value >= 0 && value < 1))
        {
            throw OutOfRange(name, value, "must be in [0, 1)");
        }
    }

    private static void Defined<TEnum>(TEnum value, string name)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentException($"{name} = {value} is not a defined {typeof(TEnum).Name} value.", name);
        }
    }
}
