using Microsoft.Extensions.Logging;
using Siamese.Net.Losses;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>What a <see cref="ITrainerCallback"/> sees of a run, and the few things it may change.</summary>
public sealed class TrainerContext
{
    private readonly List<string> _requestedCheckpoints = [];

    internal TrainerContext(
        nn.Module<Tensor, Tensor> network,
        nn.Module<Tensor, Tensor> trainedModule,
        MetricLoss loss,
        OptimizerHelper optimizer,
        SiameseTrainerOptions options,
        string monitor,
        MetricMode mode,
        int stepsPerEpoch,
        Device device,
        ILogger logger,
        Action<string> ensureFinite)
    {
        Network = network;
        TrainedModule = trainedModule;
        Loss = loss;
        Optimizer = optimizer;
        Epochs = options.Epochs;
        CheckpointDirectory = options.CheckpointDirectory;
        ResumedFrom = options.ResumeFrom;
        Monitor = monitor;
        MonitorMode = mode;
        StepsPerEpoch = stepsPerEpoch;
        Device = device;
        Logger = logger;
        EnsureFinite = ensureFinite;
    }

    /// <summary>
    /// The network being trained, as the caller passed it (register hooks or freeze layers here). Under
    /// <see cref="TrainingPrecision.MixedBFloat16"/> its convolution and linear layers hold bfloat16 working copies
    /// during the fit; the float32 masters are what checkpoints and best-weights snapshots hold.
    /// </summary>
    public nn.Module<Tensor, Tensor> Network { get; }

    /// <summary>
    /// What the loop trains and checkpoints: the network, or under mixed precision the wrapper whose state is the
    /// network's keys with the float32 masters (so a snapshot of it loses nothing to bfloat16).
    /// </summary>
    internal nn.Module<Tensor, Tensor> TrainedModule { get; }

    /// <summary>The loss (its parameters are trained too).</summary>
    public MetricLoss Loss { get; }

    /// <summary>The optimizer.</summary>
    public OptimizerHelper Optimizer { get; }

    /// <summary>The device the modules live on.</summary>
    public Device Device { get; }

    /// <summary>Epochs the run is configured for.</summary>
    public int Epochs { get; }

    /// <summary>Steps in each epoch.</summary>
    public int StepsPerEpoch { get; }

    /// <summary>
    /// The metric key that decides the best epoch (<see cref="EpochRecord.IsBest"/>), early stopping and a plateau
    /// schedule (<see cref="SiameseTrainerOptions.Monitor"/> or its default).
    /// </summary>
    public string Monitor { get; }

    /// <summary>Whether <see cref="Monitor"/> should fall or rise.</summary>
    public MetricMode MonitorMode { get; }

    /// <summary>The run's checkpoint folder (<see cref="SiameseTrainerOptions.CheckpointDirectory"/>), or null.</summary>
    public string? CheckpointDirectory { get; }

    /// <summary>The checkpoint this run resumed from (<see cref="SiameseTrainerOptions.ResumeFrom"/>), or null.</summary>
    public string? ResumedFrom { get; }

    /// <summary>The current epoch (0-based).</summary>
    public int Epoch { get; internal set; }

    /// <summary>Steps done in the current epoch.</summary>
    public int Step { get; internal set; }

    /// <summary>Optimizer steps since the start of training.</summary>
    public long GlobalStep { get; internal set; }

    /// <summary>The current epoch's metrics by key (<see cref="MetricKeys"/>); callbacks may add their own in
    /// <see cref="ITrainerCallback.OnValidationEnd"/>.</summary>
    public IDictionary<string, double> Metrics { get; internal set; } = new Dictionary<string, double>();

    /// <summary>The records of the finished epochs.</summary>
    public IReadOnlyList<EpochRecord> History { get; internal set; } = [];

    /// <summary>True once <see cref="StopTraining"/> was called: the run ends after the current epoch.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>The learning rate of the optimizer's first parameter group.</summary>
    public double LearningRate => Optimizer.ParamGroups.First().LearningRate;

    /// <summary>The trainer's logger (a null logger when none was given).</summary>
    internal ILogger Logger { get; }

    /// <summary>Throws <see cref="NonFiniteLossException"/> naming the action when a weight or buffer is NaN or infinite.</summary>
    internal Action<string> EnsureFinite { get; }

    /// <summary>Ends the run after the current epoch (with its checkpoint), as early stopping does.</summary>
    public void StopTraining() => StopRequested = true;

    /// <summary>
    /// Asks the trainer to write a resumable checkpoint of the whole run (weights, optimizer, callback states, random
    /// generator, position) to <paramref name="path"/> at the next safe point: right after the current step when
    /// called from <see cref="ITrainerCallback.OnBatchEnd"/>, after the epoch's hooks when called later in an epoch.
    /// The trainer checks first that nothing is NaN or infinite; several paths asked for at one point get one
    /// checkpoint, written atomically to the first and copied to the others.
    /// </summary>
    /// <param name="path">The file to write (replaced atomically).</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is blank.</exception>
    public void SaveCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!_requestedCheckpoints.Contains(path, StringComparer.Ordinal))
        {
            _requestedCheckpoints.Add(path);
        }
    }

    /// <summary>The checkpoints asked for since the last call, in order; clears the requests.</summary>
    internal IReadOnlyList<string> TakeCheckpointRequests()
    {
        if (_requestedCheckpoints.Count == 0)
        {
            return [];
        }

        var paths = _requestedCheckpoints.ToArray();
        _requestedCheckpoints.Clear();
        return paths;
    }
}
