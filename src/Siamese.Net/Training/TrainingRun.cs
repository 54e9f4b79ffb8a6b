using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Siamese.Net.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim.lr_scheduler;

namespace Siamese.Net.Training;

/// <summary>The state and loop of one <see cref="SiameseTrainer"/> run.</summary>
/// <typeparam name="TBatch">The training batch type.</typeparam>
/// <typeparam name="TValidation">The validation batch type.</typeparam>
internal sealed class TrainingRun<TBatch, TValidation> : IDisposable
    where TBatch : IDisposable
    where TValidation : IDisposable
{
    /// <summary>File name of the rolling checkpoint in the checkpoint folder.</summary>
    public const string LastFileName = "last.ckpt";

    /// <summary>File name of the best-epoch checkpoint in the checkpoint folder.</summary>
    public const string BestFileName = "best.ckpt";

    private readonly SiameseTrainerOptions _options;
    private readonly ILogger _logger;
    private readonly ITrainingTask<TBatch, TValidation> _task;
    private readonly IBatchSource<TBatch> _training;
    private readonly IBatchSource<TValidation>? _validation;
    private readonly TrainingMetric _monitor;
    private readonly MetricMode _mode;
    private readonly IProgress<TrainingProgress>? _progress;
    private TrainingProgress? _lastReport;
    private readonly CancellationToken _cancellationToken;
    private readonly Device _device;
    private readonly List<Parameter> _parameters;
    private readonly OptimizerHelper _optimizer;
    private readonly LRScheduler? _scheduler;
    private readonly Stopwatch _trainingClock = new();

    private readonly List<EpochRecord> _history = [];
    private readonly List<double?> _schedulerSteps = [];
    private List<Dictionary<string, Tensor>>? _bestWeights;
    private int _epoch;
    private int _step;
    private long _globalStep;
    private int? _bestEpoch;
    private double? _bestMetric;
    private int _evaluationsWithoutImprovement;
    private bool _stoppedEarly;
    private double _resumedLossSum;
    private long _resumedSamples;
    private byte[]? _resumedRngState;
    private long _samplesThisProcess;
    private long _stepsThisProcess;
    private string? _lastCheckpoint;
    private string? _bestCheckpoint;

    public TrainingRun(
        SiameseTrainerOptions options,
        ILogger logger,
        ITrainingTask<TBatch, TValidation> task,
        IBatchSource<TBatch> training,
        IBatchSource<TValidation>? validation,
        TrainingMetric monitor,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        _options = options;
        _logger = logger;
        _task = task;
        _training = training;
        _validation = validation;
        _monitor = monitor;
        _mode = options.EffectiveMode(monitor);
        _progress = progress;
        _cancellationToken = cancellationToken;
        _device = ResolveDevice(options.Device);

        foreach (var module in task.Modules)
        {
            module.to(_device);
        }

        // Parameters are taken after the move: the optimizer must hold the tensors that live on the device.
        _parameters = task.Modules.SelectMany(m => m.parameters()).Where(p => p.requires_grad).ToList();
        if (_parameters.Count == 0)
        {
            throw new ArgumentException("The network and loss have no trainable parameters.");
        }

        _optimizer = CreateOptimizer(options, _parameters);
        _scheduler = CreateScheduler(options, _optimizer, _mode);
    }

    public TrainingResult Execute()
    {
        if (_options.ResumeFrom is { } resumeFrom)
        {
            Resume(resumeFrom);
        }

        string device = _device.ToString();
        long parameterCount = _parameters.Sum(p => p.numel());
        TrainerLog.Starting(_logger, _options.Epochs, _training.BatchesPerEpoch, device, _options.Optimizer, _options.LearningRate, parameterCount);

        while (_epoch < _options.Epochs && !_stoppedEarly)
        {
            var clock = Stopwatch.StartNew();
            double learningRate = CurrentLearningRate;
            var (trainingLoss, samples) = TrainEpoch();

            ValidationMetrics? validation = null;
            bool due = (_epoch + 1) % _options.ValidateEveryEpochs == 0 || _epoch + 1 == _options.Epochs;
            if (_validation is not null && due)
            {
                validation = ValidateOrCheckpoint(trainingLoss, samples);
                TrainerLog.Validated(_logger, _epoch, validation.Loss, validation.Accuracy, validation.RocAuc, validation.Eer);
            }

            double? monitored = MonitoredValue(trainingLoss, validation);
            bool isBest = monitored is { } value && Improves(value);
            if (isBest)
            {
                _bestEpoch = _epoch;
                _bestMetric = monitored;
                _evaluationsWithoutImprovement = 0;
                TrainerLog.NewBest(_logger, _epoch, _monitor, monitored!.Value);
                if (_options.KeepBest)
                {
                    SnapshotBest();
                }
            }
            else if (monitored is not null)
            {
                _evaluationsWithoutImprovement++;
            }

            StepScheduler(monitored);
            clock.Stop();
            var record = new EpochRecord
            {
                Epoch = _epoch,
                TrainingLoss = trainingLoss,
                LearningRate = learningRate,
                Validation = validation,
                Duration = clock.Elapsed,
                IsBest = isBest,
            };
            _history.Add(record);
            if (_lastReport is not null)
            {
                _progress?.Report(_lastReport with { CompletedEpoch = record });
            }

            TrainerLog.EpochDone(_logger, _epoch, trainingLoss, learningRate, clock.Elapsed.TotalSeconds);

            if (_options.EarlyStoppingPatience is { } patience && _evaluationsWithoutImprovement >= patience && _epoch + 1 < _options.Epochs)
            {
                _stoppedEarly = true;
                TrainerLog.EarlyStop(_logger, _epoch, _monitor, patience);
            }

            _epoch++;
            _step = 0;
            _resumedLossSum = 0;
            _resumedSamples = 0;
            WriteCheckpoint(isBest);
        }

        bool restored = false;
        if (_options.KeepBest && _bestWeights is not null)
        {
            RestoreBest();
            restored = true;
        }

        TrainerLog.Finished(_logger, _history.Count, _bestEpoch, _monitor, _bestMetric);
        return new TrainingResult
        {
            History = _history.ToArray(),
            Monitor = _monitor,
            BestEpoch = _bestEpoch,
            BestMetric = _bestMetric,
            RestoredBest = restored,
            StoppedEarly = _stoppedEarly,
            GlobalSteps = _globalStep,
            LastCheckpoint = _lastCheckpoint,
            BestCheckpoint = _bestCheckpoint,
        };
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        DisposeBest();
    }

    /// <summary>A seed for each epoch, so that an epoch's randomness does not depend on what ran before it.</summary>
    internal static long EpochSeed(long seed, int epoch)
    {
        // SplitMix64 finaliser: nearby (seed, epoch) give unrelated generator seeds.
        ulong z = unchecked((ulong)seed + (0x9E3779B97F4A7C15UL * (ulong)(epoch + 1)));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (long)(z >> 1);
    }

    private double CurrentLearningRate => _optimizer.ParamGroups.First().LearningRate;

    private static Device ResolveDevice(TrainingDevice device) => device switch
    {
        TrainingDevice.Cpu => CPU,
        TrainingDevice.Auto => cuda.is_available() ? CUDA : CPU,
        TrainingDevice.Cuda => cuda.is_available()
            ? CUDA
            : throw new InvalidOperationException("Device = Cuda was requested but no CUDA device is available (install a libtorch-cuda backend package)."),
        _ => throw new ArgumentOutOfRangeException(nameof(device), device, null),
    };

    private static OptimizerHelper CreateOptimizer(SiameseTrainerOptions o, IEnumerable<Parameter> parameters) => o.Optimizer switch
    {
        OptimizerKind.Adam => new Adam(parameters, o.LearningRate, o.Beta1, o.Beta2, 1e-8, o.WeightDecay, amsgrad: false, maximize: false),
        OptimizerKind.AdamW => new AdamW(parameters, o.LearningRate, o.Beta1, o.Beta2, 1e-8, o.WeightDecay, amsgrad: false, maximize: false),
        OptimizerKind.Sgd => new SGD(parameters, o.LearningRate, o.Momentum, dampening: 0, o.WeightDecay, nesterov: false, maximize: false),
        _ => throw new ArgumentOutOfRangeException(nameof(o), o.Optimizer, "Unknown optimizer."),
    };

    private static LRScheduler? CreateScheduler(SiameseTrainerOptions o, OptimizerHelper optimizer, MetricMode mode) => o.Schedule switch
    {
        LearningRateSchedule.Constant => null,
        LearningRateSchedule.Step => StepLR(optimizer, o.StepSize, o.StepGamma),
        LearningRateSchedule.Cosine => CosineAnnealingLR(optimizer, o.Epochs, o.MinLearningRate),
        LearningRateSchedule.ReduceOnPlateau => ReduceLROnPlateau(
            optimizer,
            mode == MetricMode.Min ? "min" : "max",
            o.PlateauFactor,
            o.PlateauPatience,
            threshold: o.MinDelta,
            threshold_mode: "abs"),
        _ => throw new ArgumentOutOfRangeException(nameof(o), o.Schedule, "Unknown schedule."),
    };

    private bool Improves(double value)
    {
        if (_bestMetric is not { } best)
        {
            return true;
        }

        return _mode == MetricMode.Min ? value < best - _options.MinDelta : value > best + _options.MinDelta;
    }

    private double? MonitoredValue(double trainingLoss, ValidationMetrics? validation) => _monitor switch
    {
        TrainingMetric.TrainingLoss => trainingLoss,
        TrainingMetric.ValidationLoss => validation?.Loss,
        TrainingMetric.ValidationRocAuc => validation?.RocAuc,
        TrainingMetric.ValidationEer => validation?.Eer,
        TrainingMetric.ValidationAccuracy => validation?.Accuracy,
        _ => null,
    };

    private void StepScheduler(double? monitored)
    {
        switch (_scheduler)
        {
            case null:
                return;
            case optim.lr_scheduler.impl.ReduceLROnPlateau plateau:
                // Only epochs where the metric was measured count towards the plateau.
                if (monitored is { } value)
                {
                    plateau.step(value);
                    _schedulerSteps.Add(value);
                }

                return;
            default:
                _scheduler.step();
                _schedulerSteps.Add(null);
                return;
        }
    }

    /// <summary>Trains one epoch (or its remaining steps after a resume); returns the mean loss per sample and the sample count.</summary>
    private (double Loss, long Samples) TrainEpoch()
    {
        foreach (var module in _task.Modules)
        {
            module.train();
        }

        if (_step == 0)
        {
            random.manual_seed(EpochSeed(_options.Seed, _epoch));
        }

        // Accumulated on the device so that a step never waits for the device; read at log intervals.
        using var lossSum = zeros(1, ScalarType.Float64, _device);
        using var firstBadStep = full(1, -1L, ScalarType.Int64, _device);
        long samples = _resumedSamples;
        int stepsPerEpoch = _training.BatchesPerEpoch;

        using var batches = _training.ReadEpoch(_epoch, _cancellationToken).GetEnumerator();
        if (_step > 0)
        {
            SkipDoneSteps(batches);
        }

        while (true)
        {
            if (_cancellationToken.IsCancellationRequested)
            {
                Cancel(lossSum, firstBadStep, samples);
            }

            // Throughput and ETA include data loading: that is what the user waits for.
            _trainingClock.Start();
            if (!NextBatch(batches, lossSum, firstBadStep, samples))
            {
                _trainingClock.Stop();
                break;
            }

            using (var batch = batches.Current)
            {
                long count = _task.Count(batch);
                Step(batch, count, lossSum, firstBadStep);
                samples += count;
                _samplesThisProcess += count;
            }

            _trainingClock.Stop();
            _step++;
            _globalStep++;
            _stepsThisProcess++;

            if (_step % _options.LogEverySteps == 0 && _step < stepsPerEpoch)
            {
                double mean = Synchronise(lossSum, firstBadStep, samples);
                Report(mean, stepsPerEpoch);
            }

            if (_options.CheckpointEverySteps is { } every && _step % every == 0 && _step < stepsPerEpoch)
            {
                // Synchronise first: a checkpoint must never hold weights spoilt by a non-finite step.
                double mean = Synchronise(lossSum, firstBadStep, samples);
                WriteLast(mean * samples, samples);
            }
        }

        if (_step == 0)
        {
            throw new InvalidOperationException($"The training source yielded no batch for epoch {_epoch}.");
        }

        double epochLoss = Synchronise(lossSum, firstBadStep, samples);
        Report(epochLoss, stepsPerEpoch);
        return (epochLoss, samples);
    }

    private void Step(TBatch batch, long count, Tensor lossSum, Tensor firstBadStep)
    {
        using var scope = NewDisposeScope();
        _optimizer.zero_grad();
        var loss = _task.Loss(batch, _device);
        if (loss.numel() != 1)
        {
            throw new InvalidOperationException(
                $"The loss returned {loss.numel()} values; training needs a scalar loss (Reduction.Mean or Reduction.Sum).");
        }

        loss.backward();
        if (_options.GradientClipNorm is { } maxNorm)
        {
            ClipGradients(maxNorm);
        }

        _optimizer.step();

        using (no_grad())
        {
            var value = loss.detach().reshape(1);
            lossSum.add_(value.to(ScalarType.Float64) * count);
            firstBadStep.masked_fill_(value.isfinite().logical_not().logical_and(firstBadStep.lt(0)), _step);
        }
    }

    /// <summary>Scales all gradients so that their global L2 norm is at most <paramref name="maxNorm"/>, without leaving the device.</summary>
    private void ClipGradients(double maxNorm)
    {
        var grads = new List<Tensor>(_parameters.Count);
        foreach (var p in _parameters)
        {
            if (p.grad is { } g)
            {
                grads.Add(g);
            }
        }

        if (grads.Count == 0)
        {
            return;
        }

        using (no_grad())
        {
            var norms = stack(grads.Select(g => linalg.vector_norm(g)));
            var coefficient = (linalg.vector_norm(norms) + 1e-6).reciprocal().mul(maxNorm).clamp_max(1.0);
            foreach (var g in grads)
            {
                g.mul_(coefficient);
            }
        }
    }

    /// <summary>Reads the device accumulators (a synchronisation) and fails on a non-finite loss.</summary>
    private double Synchronise(Tensor lossSum, Tensor firstBadStep, long samples)
    {
        long bad = firstBadStep.item<long>();
        if (bad >= 0)
        {
            TrainerLog.NonFinite(_logger, _epoch, (int)bad);
            throw new NonFiniteLossException(_epoch, (int)bad, _lastCheckpoint);
        }

        return (_resumedLossSum + lossSum.item<double>()) / Math.Max(samples, 1);
    }

    private void Report(double meanLoss, int stepsPerEpoch)
    {
        double seconds = _trainingClock.Elapsed.TotalSeconds;
        double samplesPerSecond = seconds > 0 ? _samplesThisProcess / seconds : 0;
        long remainingSteps = ((long)(_options.Epochs - _epoch - 1) * stepsPerEpoch) + Math.Max(stepsPerEpoch - _step, 0);
        var eta = _stepsThisProcess > 0 ? TimeSpan.FromSeconds(seconds / _stepsThisProcess * remainingSteps) : TimeSpan.Zero;
        TrainerLog.StepProgress(_logger, _epoch, _step, stepsPerEpoch, meanLoss, samplesPerSecond);
        _lastReport = new TrainingProgress(_epoch, _options.Epochs, _step, stepsPerEpoch, _globalStep, meanLoss,
            CurrentLearningRate, samplesPerSecond, eta);
        _progress?.Report(_lastReport);
    }

    /// <summary>Moves to the next batch; a cancellation inside the source becomes a checkpointed cancellation.</summary>
    private bool NextBatch(IEnumerator<TBatch> batches, Tensor lossSum, Tensor firstBadStep, long samples)
    {
        try
        {
            return batches.MoveNext();
        }
        catch (OperationCanceledException) when (_cancellationToken.IsCancellationRequested)
        {
            Cancel(lossSum, firstBadStep, samples);
            throw; // unreachable: Cancel throws
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The source's exception (with its file name) goes to the caller unchanged; the log adds where it happened.
            TrainerLog.DataFailed(_logger, e, _epoch, _step);
            throw;
        }
    }

    private void SkipDoneSteps(IEnumerator<TBatch> batches)
    {
        for (int i = 0; i < _step; i++)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (!batches.MoveNext())
            {
                throw new InvalidOperationException(
                    $"Cannot resume at epoch {_epoch}, step {_step}: the training source yields only {i} batches for this epoch now.");
            }

            batches.Current.Dispose();
        }

        if (_resumedRngState is { } state)
        {
            using var rng = tensor(state);
            random.set_rng_state(rng);
            _resumedRngState = null;
        }
    }

    private void Cancel(Tensor lossSum, Tensor firstBadStep, long samples)
    {
        // Never checkpoint weights that a non-finite step has already spoilt.
        double mean = Synchronise(lossSum, firstBadStep, samples);
        double partialSum = mean * samples;
        string? path = null;
        if (_options.CheckpointDirectory is not null)
        {
            path = WriteLast(partialSum, samples);
        }

        TrainerLog.Cancelled(_logger, _epoch, _step, path);
        throw new OperationCanceledException(
            $"Training was cancelled at epoch {_epoch}, step {_step}." + (path is null ? string.Empty : $" Resume from '{path}'."),
            _cancellationToken);
    }

    /// <summary>
    /// Validates; a cancellation during validation still leaves a checkpoint of the trained epoch (at its last step),
    /// so that resuming only re-runs the validation.
    /// </summary>
    private ValidationMetrics ValidateOrCheckpoint(double trainingLoss, long samples)
    {
        try
        {
            return Validate();
        }
        catch (OperationCanceledException) when (_cancellationToken.IsCancellationRequested)
        {
            string? path = _options.CheckpointDirectory is null ? null : WriteLast(trainingLoss * samples, samples);
            TrainerLog.Cancelled(_logger, _epoch, _step, path);
            throw new OperationCanceledException(
                $"Training was cancelled while validating epoch {_epoch}." + (path is null ? string.Empty : $" Resume from '{path}'."),
                _cancellationToken);
        }
    }

    private ValidationMetrics Validate()
    {
        var pass = _task.BeginValidation();
        foreach (var module in _task.Modules)
        {
            module.eval();
        }

        try
        {
            using var _ = no_grad();
            // Epoch 0 always: the same validation set every time keeps the metric comparable between epochs.
            foreach (var batch in _validation!.ReadEpoch(0, _cancellationToken))
            {
                using (batch)
                using (NewDisposeScope())
                {
                    pass.Add(batch, _device);
                }
            }
        }
        finally
        {
            foreach (var module in _task.Modules)
            {
                module.train();
            }
        }

        return pass.Complete();
    }

    private void SnapshotBest()
    {
        DisposeBest();
        _bestWeights = _task.Modules
            .Select(m => m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().clone().DetachFromDisposeScope()))
            .ToList();
    }

    private void RestoreBest()
    {
        using var _ = no_grad();
        for (int i = 0; i < _task.Modules.Count; i++)
        {
            _task.Modules[i].load_state_dict(_bestWeights![i], strict: true);
        }
    }

    private void DisposeBest()
    {
        if (_bestWeights is null)
        {
            return;
        }

        foreach (var tensor in _bestWeights.SelectMany(d => d.Values))
        {
            tensor.Dispose();
        }

        _bestWeights = null;
    }

    private TrainingCheckpoint Header(double partialLossSum, long partialSamples) => new()
    {
        Epoch = _epoch,
        Step = _step,
        GlobalStep = _globalStep,
        Seed = _options.Seed,
        Optimizer = _options.Optimizer,
        Schedule = _options.Schedule,
        History = _history.ToArray(),
        BestEpoch = _bestEpoch,
        BestMetric = _bestMetric,
        Finished = _stoppedEarly || _epoch >= _options.Epochs,
        StoppedEarly = _stoppedEarly,
        SavedAt = DateTimeOffset.UtcNow,
        ModuleTypes = _task.Modules.Select(m => m.GetType().FullName!).ToArray(),
        SchedulerSteps = [.. _schedulerSteps],
        EvaluationsWithoutImprovement = _evaluationsWithoutImprovement,
        PartialLossSum = partialLossSum,
        PartialSamples = partialSamples,
    };

    private void WriteCheckpoint(bool isBest)
    {
        if (_options.CheckpointDirectory is null)
        {
            return;
        }

        var last = WriteLast(0, 0);
        if (isBest)
        {
            var best = Path.Combine(_options.CheckpointDirectory, BestFileName);
            AtomicFile.Copy(last, best);
            _bestCheckpoint = best;
            TrainerLog.CheckpointWritten(_logger, best);
        }
    }

    private string WriteLast(double partialLossSum, long partialSamples)
    {
        var path = Path.Combine(_options.CheckpointDirectory!, LastFileName);
        byte[] rng;
        using (var state = random.get_rng_state())
        {
            rng = state.data<byte>().ToArray();
        }

        TrainingCheckpoint.Write(path, Header(partialLossSum, partialSamples), _task.Modules, _optimizer, rng);
        _lastCheckpoint = path;
        TrainerLog.CheckpointWritten(_logger, path);
        return path;
    }

    private void Resume(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The checkpoint to resume from, '{path}', does not exist.", path);
        }

        var header = TrainingCheckpoint.Read(path);
        if (header.Optimizer != _options.Optimizer || header.Schedule != _options.Schedule || header.Seed != _options.Seed)
        {
            throw new ArgumentException(
                $"Checkpoint '{path}' was written with Optimizer = {header.Optimizer}, Schedule = {header.Schedule}, Seed = {header.Seed}; " +
                $"the options say {_options.Optimizer}, {_options.Schedule}, {_options.Seed}. Resume with the options of the original run.",
                nameof(path));
        }

        // The best weights live in best.ckpt next to the checkpoint; read them first, before the resumed weights.
        if (_options.KeepBest && header.BestEpoch is { } bestEpoch)
        {
            var bestPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, BestFileName);
            TrainingCheckpoint? best = File.Exists(bestPath) ? TrainingCheckpoint.Read(bestPath) : null;
            if (best is not null && best.Epoch == bestEpoch + 1 && best.Step == 0)
            {
                TrainingCheckpoint.LoadWeights(bestPath, _task.Modules[0], _task.Modules.Count > 1 ? _task.Modules[1] : null);
                SnapshotBest();
                _bestCheckpoint = bestPath;
            }
            else
            {
                TrainerLog.BestUnavailable(_logger, $"no best.ckpt of epoch {bestEpoch} next to '{path}'", header.Epoch);
            }
        }

        // Replay the schedule on the fresh optimizer, then load the optimizer state (which includes the learning rate).
        foreach (var metric in header.SchedulerSteps)
        {
            if (metric is { } value)
            {
                _scheduler?.step(value);
            }
            else
            {
                _scheduler?.step();
            }
        }

        var (loaded, rng) = TrainingCheckpoint.ReadInto(path, _task.Modules, _optimizer);
        _epoch = loaded.Epoch;
        _step = loaded.Step;
        _globalStep = loaded.GlobalStep;
        _history.AddRange(loaded.History);
        _schedulerSteps.AddRange(loaded.SchedulerSteps);
        _bestEpoch = loaded.BestEpoch;
        _bestMetric = loaded.BestMetric;
        _evaluationsWithoutImprovement = loaded.EvaluationsWithoutImprovement;
        _stoppedEarly = loaded.StoppedEarly;
        _resumedLossSum = loaded.PartialLossSum;
        _resumedSamples = loaded.PartialSamples;
        _resumedRngState = loaded.Step > 0 ? rng : null;
        _lastCheckpoint = path;
        TrainerLog.Resuming(_logger, path, _epoch, _step, _globalStep);
    }
}
