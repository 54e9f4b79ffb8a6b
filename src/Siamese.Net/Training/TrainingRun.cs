using System.Diagnostics;
using Microsoft.Extensions.Logging;
using System.Text.Json.Nodes;
using Siamese.Net.Data;
using Siamese.Net.Losses;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// The state and loop of one <see cref="SiameseTrainer"/> run: forward (<c>.call</c>), loss, backward, clipping,
/// step, NaN/Inf detection, the best epoch by the monitored metric, cancellation (with its checkpoint), writing the
/// checkpoints callbacks ask for, and resume. Every policy (early stopping, keep-best, checkpoint schedule, progress,
/// learning-rate schedule, user code) is an <see cref="ITrainerCallback"/>.
/// </summary>
internal sealed class TrainingRun : IDisposable
{
    private readonly SiameseTrainerOptions _options;
    private readonly ILogger _logger;
    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly MetricLoss _loss;
    private readonly IReadOnlyList<nn.Module> _modules;
    private readonly IBatchSource<ITrainingBatch> _training;
    private readonly IBatchSource<ITrainingBatch>? _validation;
    private readonly string _monitor;
    private readonly IReadOnlyList<ITrainerCallback> _callbacks;
    private readonly TrainerContext _context;
    private readonly IReadOnlyList<double> _initialLearningRates;
    private readonly MetricMode _mode;
    private readonly CancellationToken _cancellationToken;
    private readonly Device _device;
    private readonly List<Parameter> _parameters;
    private readonly OptimizerHelper _optimizer;
    private readonly Stopwatch _trainingClock = new();
    private readonly MixedPrecisionNetwork? _mixed;

    private readonly List<EpochRecord> _history = [];
    private int _epoch;
    private int _step;
    private long _globalStep;
    private int? _bestEpoch;
    private double? _bestMetric;
    private bool _stoppedEarly;
    private double _resumedLossSum;
    private long _resumedSamples;
    private byte[]? _resumedRngState;
    private long _samplesThisProcess;
    private long _stepsThisProcess;
    private string? _lastCheckpoint;
    private Dictionary<string, double> _metrics = [];
    private int _resumedStep;

    public TrainingRun(
        SiameseTrainerOptions options,
        ILogger logger,
        nn.Module<Tensor, Tensor> network,
        MetricLoss loss,
        IBatchSource<ITrainingBatch> training,
        IBatchSource<ITrainingBatch>? validation,
        IReadOnlyList<ITrainerCallback> callbacks,
        CancellationToken cancellationToken)
    {
        _options = options;
        _logger = logger;
        _loss = loss;
        _training = training;
        _validation = validation;
        _monitor = options.EffectiveMonitor(validation is not null);
        _mode = options.EffectiveMode(_monitor);
        _callbacks = callbacks;
        _cancellationToken = cancellationToken;
        _device = options.Device ?? CPU;

        network.to(_device);
        loss.to(_device);

        // [mixed precision, call point 1 of 4] The trainer trains a wrapper that holds the float32 masters in place of
        // the network (see MixedPrecisionNetwork): parameters, checkpoints and snapshots below see the masters.
        _mixed = options.Precision.Wrap(network);
        _network = _mixed ?? network;
        _modules = [_network, loss];

        try
        {
            // Parameters are taken after the move: the optimizer must hold the tensors that live on the device.
            var networkParameters = _network.parameters().Where(p => p.requires_grad).ToList();
            var lossParameters = loss.parameters().Where(p => p.requires_grad).ToList();
            _parameters = [.. networkParameters, .. lossParameters];
            if (_parameters.Count == 0)
            {
                throw new ArgumentException("The network and loss have no trainable parameters.");
            }

            _optimizer = options.Optimizer(new TrainableParameters(networkParameters, lossParameters))
                ?? throw new ArgumentException($"{nameof(SiameseTrainerOptions.Optimizer)} returned null.", nameof(options));
            _initialLearningRates = _optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
            _context = new TrainerContext(network, _network, _loss, _optimizer, options, _monitor, _mode, training.BatchesPerEpoch, _device, logger, EnsureFinite);
            foreach (var callback in _callbacks)
            {
                callback.Setup(_context);
            }
        }
        catch
        {
            // A failure here (e.g. an optimizer factory that throws) must not leave the caller's network in bfloat16.
            _mixed?.Dispose();
            throw;
        }
    }

    public TrainingResult Execute()
    {
        if (_options.ResumeFrom is { } resumeFrom)
        {
            Resume(resumeFrom);
        }

        string device = _device.ToString();
        long parameterCount = _parameters.Sum(p => p.numel());
        TrainerLog.Starting(_logger, _options.Epochs, _training.BatchesPerEpoch, device, _optimizer.GetType().Name, CurrentLearningRate, parameterCount);
        Notify(c => c.OnFitStart(_context));

        while (_epoch < _options.Epochs && !_stoppedEarly)
        {
            var clock = Stopwatch.StartNew();
            double learningRate = CurrentLearningRate;
            _metrics = new Dictionary<string, double>();
            Notify(c => c.OnEpochStart(_context));

            var (trainingLoss, samples) = TrainEpoch();
            _metrics[MetricKeys.TrainingLoss] = trainingLoss;

            ValidationMetrics? validation = null;
            bool due = (_epoch + 1) % _options.ValidateEveryEpochs == 0 || _epoch + 1 == _options.Epochs;
            if (_validation is not null && due)
            {
                validation = ValidateOrCheckpoint(trainingLoss, samples);
                TrainerLog.Validated(_logger, _epoch, validation.Loss, validation.Accuracy, validation.RocAuc, validation.Eer);
                validation.CopyTo(_metrics);
                Notify(c => c.OnValidationEnd(_context, validation));
            }

            double? monitored = _metrics.TryGetValue(_monitor, out var m) ? m : null;
            if (_validation is not null && due && monitored is null)
            {
                throw new ArgumentException(
                    $"The monitored metric '{_monitor}' was not measured (measured: {string.Join(", ", _metrics.Keys)}); set {nameof(SiameseTrainerOptions.Monitor)} to one of those.");
            }
            bool isBest = monitored is { } value && Improves(value);
            if (isBest)
            {
                _bestEpoch = _epoch;
                _bestMetric = monitored;
                TrainerLog.NewBest(_logger, _epoch, _monitor, monitored!.Value);
            }

            clock.Stop();
            var record = new EpochRecord
            {
                Epoch = _epoch,
                TrainingLoss = trainingLoss,
                LearningRate = learningRate,
                Validation = validation,
                Duration = clock.Elapsed,
                IsBest = isBest,
                Metrics = new Dictionary<string, double>(_metrics),
            };
            _history.Add(record);
            Notify(c => c.OnEpochEnd(_context, record));

            if (_context.StopRequested && _epoch + 1 < _options.Epochs)
            {
                _stoppedEarly = true;
            }

            TrainerLog.EpochDone(_logger, _epoch, trainingLoss, learningRate, clock.Elapsed.TotalSeconds);
            _epoch++;
            _step = 0;
            _resumedLossSum = 0;
            _resumedSamples = 0;
            WriteRequestedCheckpoints(0, 0);
        }

        Notify(c => c.OnFitEnd(_context));

        TrainerLog.Finished(_logger, _history.Count, _bestEpoch, _monitor, _bestMetric);
        return new TrainingResult
        {
            History = _history.ToArray(),
            Monitor = _monitor,
            BestEpoch = _bestEpoch,
            BestMetric = _bestMetric,
            StoppedEarly = _stoppedEarly,
            GlobalSteps = _globalStep,
            LastCheckpoint = _lastCheckpoint,
        };
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        // [mixed precision, call point 4 of 4] the caller's network back to float32, holding the masters (keep-best
        // has restored the best weights into them in OnFitEnd, before this).
        _mixed?.Dispose();
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

    private bool Improves(double value)
    {
        if (_bestMetric is not { } best)
        {
            return true;
        }

        return _mode == MetricMode.Min ? value < best - _options.MinDelta : value > best + _options.MinDelta;
    }

    /// <summary>Trains one epoch (or its remaining steps after a resume); returns the mean loss per sample and the sample count.</summary>
    private (double Loss, long Samples) TrainEpoch()
    {
        foreach (var module in _modules)
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
        using var activeSum = zeros(1, ScalarType.Float64, _device);
        using var inactiveRun = zeros(1, ScalarType.Int64, _device);
        long warnedAtRun = 0;
        long samples = _resumedSamples;
        _resumedStep = _step;
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
                long count = batch.Count;
                Step(batch, count, lossSum, firstBadStep, activeSum, inactiveRun);
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
                warnedAtRun = WarnIfInactive(inactiveRun, warnedAtRun);
                Report(mean, stepsPerEpoch);
            }

            if (_context.TakeCheckpointRequests() is { Count: > 0 } requested)
            {
                // Synchronise first: a checkpoint must never hold weights spoilt by a non-finite step.
                double mean = Synchronise(lossSum, firstBadStep, samples);
                WriteCheckpoint(requested, mean * samples, samples);
            }
        }

        if (_step == 0)
        {
            throw new InvalidOperationException($"The training source yielded no batch for epoch {_epoch}.");
        }

        double epochLoss = Synchronise(lossSum, firstBadStep, samples);
        WarnIfInactive(inactiveRun, warnedAtRun);
        _metrics[MetricKeys.TrainingActiveTuples] = activeSum.item<double>() / Math.Max(_step - _resumedStep, 1);
        Report(epochLoss, stepsPerEpoch);
        return (epochLoss, samples);
    }

    /// <summary>Logs once per run of inactive steps that reaches the warning length; returns the run length warned at.</summary>
    private long WarnIfInactive(Tensor inactiveRun, long warnedAtRun)
    {
        long run = inactiveRun.item<long>();
        if (run >= _options.NoActiveTuplesWarningSteps && (warnedAtRun == 0 || run < warnedAtRun))
        {
            TrainerLog.NoActiveTuples(_logger, _epoch, _step, run);
            return run;
        }

        return run < warnedAtRun ? 0 : warnedAtRun;
    }

    private void Step(ITrainingBatch batch, long count, Tensor lossSum, Tensor firstBadStep, Tensor activeSum, Tensor inactiveRun)
    {
        using var scope = NewDisposeScope();
        _optimizer.zero_grad();
        // .call, not .forward: hooks the user registered on the network run during training too.
        var embeddings = _network.call(batch.Images.to(_device));
        var labels = batch.Labels?.to(ScalarType.Int64).to(_device);
        var output = _loss.Evaluate(embeddings, labels, batch.Tuples);
        var loss = output.Value;
        if (loss.numel() != 1)
        {
            throw new InvalidOperationException(
                $"The loss returned {loss.numel()} values; training needs a scalar loss (a mean or sum reducer).");
        }

        loss.backward();
        // [mixed precision, call point 2 of 4] bfloat16 gradients into the float32 masters, before clipping and checks.
        _mixed?.CopyGradientsToMasters();
        var gradientNorm = GradientClipping.GlobalNorm(_parameters);
        if (_options.GradientClipNorm is { } maxNorm && gradientNorm is not null)
        {
            GradientClipping.Clip(_parameters, gradientNorm, maxNorm);
        }

        _optimizer.step();
        // [mixed precision, call point 3 of 4] the updated masters rounded into the bfloat16 working weights.
        _mixed?.RefreshWorkingWeights();

        using (no_grad())
        {
            var value = loss.detach().reshape(1);
            lossSum.add_(value.to(ScalarType.Float64) * count);
            // A finite loss can still come with a NaN gradient, which the step has just written into the weights.
            var bad = value.isfinite().logical_not();
            if (gradientNorm is not null)
            {
                bad = bad.logical_or(gradientNorm.isfinite().logical_not().reshape(1));
            }

            firstBadStep.masked_fill_(bad.logical_and(firstBadStep.lt(0)), _step);
            var active = output.ActiveTuples.reshape(1);
            activeSum.add_(active.to(ScalarType.Float64));
            var inactive = active.eq(0).to(ScalarType.Int64);
            inactiveRun.mul_(inactive).add_(inactive);
        }

        if (_callbacks.Count > 0)
        {
            _context.Step = _step + 1;
            _context.GlobalStep = _globalStep + 1;
            var result = new StepResult(loss.detach(), output.ActiveTuples, count);
            foreach (var callback in _callbacks)
            {
                callback.OnBatchEnd(_context, result);
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
        var progress = new TrainingProgress(_epoch, _options.Epochs, _step, stepsPerEpoch, _globalStep, meanLoss,
            CurrentLearningRate, samplesPerSecond, eta);
        Notify(c => c.OnProgress(_context, progress));
    }

    /// <summary>Moves to the next batch; a cancellation inside the source becomes a checkpointed cancellation.</summary>
    private bool NextBatch(IEnumerator<ITrainingBatch> batches, Tensor lossSum, Tensor firstBadStep, long samples)
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

    private void SkipDoneSteps(IEnumerator<ITrainingBatch> batches)
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
        string? path = CancellationCheckpoint(partialSum, samples);

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
            string? path = CancellationCheckpoint(trainingLoss * samples, samples);
            TrainerLog.Cancelled(_logger, _epoch, _step, path);
            throw new OperationCanceledException(
                $"Training was cancelled while validating epoch {_epoch}." + (path is null ? string.Empty : $" Resume from '{path}'."),
                _cancellationToken);
        }
    }

    private ValidationMetrics Validate()
    {
        Notify(c => c.OnValidationStart(_context));
        return ValidationPass.Run(_network, _loss, _validation!, _device, _cancellationToken);
    }

    private TrainingCheckpoint Header(double partialLossSum, long partialSamples) => new()
    {
        Epoch = _epoch,
        Step = _step,
        GlobalStep = _globalStep,
        Seed = _options.Seed,
        Optimizer = _optimizer.GetType().FullName!,
        InitialLearningRates = _initialLearningRates,
        History = _history.ToArray(),
        BestEpoch = _bestEpoch,
        BestMetric = _bestMetric,
        Finished = _stoppedEarly || _epoch >= _options.Epochs,
        StoppedEarly = _stoppedEarly,
        SavedAt = DateTimeOffset.UtcNow,
        ModuleTypes = _modules.Select(MixedPrecisionNetwork.CheckpointTypeName).ToArray(),
        CallbackStates = CallbackStates(),
        PartialLossSum = partialLossSum,
        PartialSamples = partialSamples,
    };

    /// <summary>Writes the checkpoints callbacks asked for (<see cref="TrainerContext.SaveCheckpoint"/>), if any.</summary>
    private void WriteRequestedCheckpoints(double partialLossSum, long partialSamples)
    {
        if (_context.TakeCheckpointRequests() is { Count: > 0 } requested)
        {
            WriteCheckpoint(requested, partialLossSum, partialSamples);
        }
    }

    /// <summary>The checkpoint a cancellation leaves in the checkpoint folder (whatever the callbacks), or null without one.</summary>
    private string? CancellationCheckpoint(double partialLossSum, long partialSamples) =>
        _options.CheckpointDirectory is { } folder
            ? WriteCheckpoint([Path.Combine(folder, ModelCheckpoint.LastFileName)], partialLossSum, partialSamples)
            : null;

    /// <summary>Writes one checkpoint of the run to the first path and copies it to the others; returns the first.</summary>
    private string WriteCheckpoint(IReadOnlyList<string> paths, double partialLossSum, long partialSamples)
    {
        var path = paths[0];
        byte[] rng;
        using (var state = random.get_rng_state())
        {
            rng = state.data<byte>().ToArray();
        }

        EnsureFinite($"writing '{path}'");
        TrainingCheckpoint.Write(path, Header(partialLossSum, partialSamples), _modules, _optimizer, rng);
        _lastCheckpoint = path;
        TrainerLog.CheckpointWritten(_logger, path);
        foreach (var copy in paths.Skip(1))
        {
            AtomicFile.Copy(path, copy);
            TrainerLog.CheckpointWritten(_logger, copy);
        }

        return path;
    }

    private void Resume(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The checkpoint to resume from, '{path}', does not exist.", path);
        }

        var header = TrainingCheckpoint.Read(path);
        string optimizer = _optimizer.GetType().FullName!;
        if (header.Optimizer != optimizer || header.Seed != _options.Seed || !header.InitialLearningRates.SequenceEqual(_initialLearningRates))
        {
            throw new ArgumentException(
                $"Checkpoint '{path}' was written with optimizer {header.Optimizer} (initial learning rates {string.Join(", ", header.InitialLearningRates)}), Seed = {header.Seed}; " +
                $"the options say {optimizer} ({string.Join(", ", _initialLearningRates)}), {_options.Seed}. Resume with the options of the original run.",
                nameof(path));
        }

        // Before the weights and optimizer state: a callback may load weights of its own (the best epoch's) that the
        // resumed ones then replace, or replay a schedule on the fresh optimizer whose learning rate the state restores.
        foreach (var callback in _callbacks)
        {
            if (header.CallbackStates.TryGetValue(callback.Name, out var json) && JsonNode.Parse(json) is { } state)
            {
                callback.LoadState(state);
            }
            else if (callback.SaveState() is not null)
            {
                // A stateful callback the original run did not have (or an older checkpoint): it starts afresh.
                TrainerLog.CallbackStateMissing(_logger, callback.Name, path);
            }
        }

        var (loaded, rng) = TrainingCheckpoint.ReadInto(path, _modules, _optimizer);

        _epoch = loaded.Epoch;
        _step = loaded.Step;
        _globalStep = loaded.GlobalStep;
        _history.AddRange(loaded.History);
        _bestEpoch = loaded.BestEpoch;
        _bestMetric = loaded.BestMetric;
        _stoppedEarly = loaded.StoppedEarly;
        _resumedLossSum = loaded.PartialLossSum;
        _resumedSamples = loaded.PartialSamples;
        _resumedRngState = loaded.Step > 0 ? rng : null;
        _lastCheckpoint = path;
        TrainerLog.Resuming(_logger, path, _epoch, _step, _globalStep);
    }

    /// <summary>Runs a hook of every callback, in order, after bringing the context up to date.</summary>
    private void Notify(Action<ITrainerCallback> hook)
    {
        SyncContext();
        foreach (var callback in _callbacks)
        {
            hook(callback);
        }
    }

    /// <summary>Copies the loop's counters into the context callbacks see.</summary>
    private void SyncContext()
    {
        _context.Epoch = _epoch;
        _context.Step = _step;
        _context.GlobalStep = _globalStep;
        _context.Metrics = _metrics;
        _context.History = _history;
    }

    private Dictionary<string, string> CallbackStates()
    {
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var callback in _callbacks)
        {
            if (callback.SaveState() is { } state)
            {
                states[callback.Name] = state.ToJsonString();
            }
        }

        return states;
    }

    /// <summary>
    /// Fails before anything is saved when a parameter or buffer is NaN or infinite (an overflowing BatchNorm running
    /// variance passes every loss check): a checkpoint or best-weights snapshot must never hold a broken model.
    /// </summary>
    private void EnsureFinite(string action)
    {
        if (ModuleHealth.FindNonFinite([("network", _network), ("loss", _loss)]) is { } bad)
        {
            TrainerLog.NonFinite(_logger, _epoch, _step);
            throw new NonFiniteLossException(
                $"Training diverged at epoch {_epoch}, step {_step}: {bad} holds NaN or infinite values, so nothing was saved ({action})." +
                (_lastCheckpoint is null ? string.Empty : $" The last good checkpoint is '{_lastCheckpoint}'; lower the learning rate or clip gradients."));
        }
    }
}
