using Microsoft.Extensions.Logging;
using Siamese.Net.Losses;
using Siamese.Net.Tests.TestSupport;
using Siamese.Net.Training;

namespace Siamese.Net.Tests.Training;

/// <summary>
/// The library's built-in callbacks, each against the same run without it: early stopping, keep-best, model
/// checkpoints, the learning-rate schedule and progress, with their state surviving a resume.
/// </summary>
[Collection(TorchRandomCollection.Name)]
public sealed class BuiltInCallbackTests
{
    private static readonly SyntheticClasses Classes = new(classes: 6);

    // A falling training loss never "improves" when the monitor wants it to rise: epoch 0 stays the best.
    private static readonly SiameseTrainerOptions NeverImproves = new()
    {
        Epochs = 8,
        Monitor = MetricKeys.TrainingLoss,
        MonitorMode = MetricMode.Max,
        KeepBest = false,
    };

    private sealed class EpochWeights : ITrainerCallback
    {
        public Dictionary<int, double[]> Weights { get; } = [];

        public void OnEpochEnd(TrainerContext context, EpochRecord epoch) => Weights[epoch.Epoch] = TinyEncoder.Weights(context.Network);
    }

    private sealed class SaveAtEpoch(string path, int epoch) : ITrainerCallback
    {
        public void OnEpochEnd(TrainerContext context, EpochRecord record)
        {
            if (record.Epoch == epoch)
            {
                context.SaveCheckpoint(path);
            }
        }
    }

    [Fact]
    public void Early_stopping_stops_after_patience_epochs_without_improvement_and_its_counter_survives_a_resume()
    {
        var source = new SyntheticPairSource(Classes, batches: 3);
        using (var plainNetwork = TinyEncoder.Create())
        using (var plainLoss = new ContrastiveLoss())
        {
            var plain = new SiameseTrainer(NeverImproves).Fit(plainNetwork, plainLoss, source);
            plain.History.Should().HaveCount(8, "without the callback nothing stops the run");
            plain.StoppedEarly.Should().BeFalse();
        }

        var options = NeverImproves with { Callbacks = [new EarlyStopping(patience: 3)] };
        using var network = TinyEncoder.Create();
        using var loss = new ContrastiveLoss();
        var stopped = new SiameseTrainer(options).Fit(network, loss, source);
        stopped.StoppedEarly.Should().BeTrue();
        stopped.History.Should().HaveCount(4, "epochs 1, 2 and 3 do not improve on epoch 0");

        // Interrupted in epoch 2, after two epochs without improvement: a counter that restarted at 0 would stop later.
        using var folder = new TempDirectory();
        using var cts = new CancellationTokenSource();
        source.BeforeBatch = (epoch, batch) =>
        {
            if (epoch == 2 && batch == 1)
            {
                cts.Cancel();
            }
        };
        var withCheckpoints = options with { CheckpointDirectory = folder.Path };
        using var first = TinyEncoder.Create();
        using var firstLoss = new ContrastiveLoss();
        var cancelled = () => new SiameseTrainer(withCheckpoints).Fit(first, firstLoss, source, cancellationToken: cts.Token);
        cancelled.Should().Throw<OperationCanceledException>();
        source.BeforeBatch = null;

        using var resumedNetwork = TinyEncoder.Create(seed: 3);
        using var resumedLoss = new ContrastiveLoss();
        var resumed = new SiameseTrainer(withCheckpoints with
        {
            ResumeFrom = Path.Combine(folder.Path, ModelCheckpoint.LastFileName),
            Callbacks = [new EarlyStopping(patience: 3)],
        }).Fit(resumedNetwork, resumedLoss, source);
        resumed.StoppedEarly.Should().BeTrue();
        resumed.History.Should().HaveCount(4);
        TinyEncoder.Weights(resumedNetwork).Should().Equal(TinyEncoder.Weights(network));
    }

    [Fact]
    public void Keep_best_weights_loads_the_best_epochs_weights_back_at_the_end()
    {
        var source = new SyntheticPairSource(Classes, batches: 3);
        var seen = new EpochWeights();
        var options = NeverImproves with { Epochs = 3, Callbacks = [seen] };

        using var last = TinyEncoder.Create();
        using var lastLoss = new ContrastiveLoss();
        var plain = new SiameseTrainer(options).Fit(last, lastLoss, source);
        plain.RestoredBest.Should().BeFalse();
        TinyEncoder.Weights(last).Should().Equal(seen.Weights[2], "without keep-best the network ends with the last epoch");
        TinyEncoder.Weights(last).Should().NotEqual(seen.Weights[0]);

        using var best = TinyEncoder.Create();
        using var bestLoss = new ContrastiveLoss();
        var kept = new SiameseTrainer(options with { KeepBest = true }).Fit(best, bestLoss, source);
        kept.BestEpoch.Should().Be(0);
        kept.RestoredBest.Should().BeTrue();
        TinyEncoder.Weights(best).Should().Equal(seen.Weights[0]);
    }

    [Fact]
    public void A_model_checkpoint_given_as_a_callback_replaces_the_default_and_any_callback_can_ask_for_a_checkpoint()
    {
        using var folder = new TempDirectory();
        var source = new SyntheticPairSource(Classes, batches: 3);
        var custom = Path.Combine(folder.Path, "after-epoch-1.ckpt");
        var options = new SiameseTrainerOptions
        {
            Epochs = 3,
            KeepBest = false,
            CheckpointDirectory = folder.Path,
            Callbacks = [new ModelCheckpoint(saveBest: false), new SaveAtEpoch(custom, 1)],
        };

        using var reference = TinyEncoder.Create();
        using var referenceLoss = new ContrastiveLoss();
        var result = new SiameseTrainer(options).Fit(reference, referenceLoss, source);

        result.BestEpoch.Should().NotBeNull();
        result.BestCheckpoint.Should().BeNull();
        File.Exists(Path.Combine(folder.Path, ModelCheckpoint.BestFileName)).Should().BeFalse("saveBest is off and the default ModelCheckpoint was not added");
        TrainingCheckpoint.Read(result.LastCheckpoint!).Should().Match<TrainingCheckpoint>(c => c.Epoch == 3 && c.Finished);
        var header = TrainingCheckpoint.Read(custom);
        header.Epoch.Should().Be(2, "the checkpoint is taken after epoch 1's hooks");
        header.Step.Should().Be(0);

        using var resumed = TinyEncoder.Create(seed: 11);
        using var resumedLoss = new ContrastiveLoss();
        new SiameseTrainer(options with { ResumeFrom = custom }).Fit(resumed, resumedLoss, source).History.Should().HaveCount(3);
        TinyEncoder.Weights(resumed).Should().Equal(TinyEncoder.Weights(reference));
    }

    [Fact]
    public void The_learning_rate_scheduler_steps_once_per_epoch_and_resumes_its_schedule_exactly()
    {
        using var folder = new TempDirectory();
        var source = new SyntheticPairSource(Classes, batches: 4);
        var options = new SiameseTrainerOptions { Epochs = 4, KeepBest = false, Optimizer = KnownOptimizers.Adam(1e-2) };

        using (var constantNetwork = TinyEncoder.Create())
        using (var constantLoss = new ContrastiveLoss())
        {
            new SiameseTrainer(options).Fit(constantNetwork, constantLoss, source)
                .History.Select(h => h.LearningRate).Should().OnlyContain(lr => lr == 1e-2, "without the callback nothing changes the rate");
        }

        var scheduled = options with { Callbacks = [new LearningRateScheduler(KnownSchedulers.Step(1, 0.5))] };
        using var reference = TinyEncoder.Create();
        using var referenceLoss = new ContrastiveLoss();
        var uninterrupted = new SiameseTrainer(scheduled).Fit(reference, referenceLoss, source);
        uninterrupted.History.Select(h => h.LearningRate).Should().Equal(1e-2, 5e-3, 2.5e-3, 1.25e-3);

        using var cts = new CancellationTokenSource();
        source.BeforeBatch = (epoch, batch) =>
        {
            if (epoch == 2 && batch == 2)
            {
                cts.Cancel();
            }
        };
        var withCheckpoints = scheduled with { CheckpointDirectory = folder.Path };
        using var first = TinyEncoder.Create();
        using var firstLoss = new ContrastiveLoss();
        var cancelled = () => new SiameseTrainer(withCheckpoints).Fit(first, firstLoss, source, cancellationToken: cts.Token);
        cancelled.Should().Throw<OperationCanceledException>();
        source.BeforeBatch = null;

        var resumedScheduler = new LearningRateScheduler(KnownSchedulers.Step(1, 0.5));
        using var resumedNetwork = TinyEncoder.Create(seed: 8);
        using var resumedLoss = new ContrastiveLoss();
        var resumed = new SiameseTrainer(withCheckpoints with
        {
            ResumeFrom = Path.Combine(folder.Path, ModelCheckpoint.LastFileName),
            Callbacks = [resumedScheduler],
        }).Fit(resumedNetwork, resumedLoss, source);

        resumedScheduler.Steps.Should().HaveCount(4, "two replayed from the checkpoint, two taken after the resume");
        resumed.History.Select(h => h.LearningRate).Should().Equal(uninterrupted.History.Select(h => h.LearningRate));
        TinyEncoder.Weights(resumedNetwork).Should().Equal(TinyEncoder.Weights(reference));
    }

    [Fact]
    public void A_progress_reporter_in_the_callbacks_reports_like_the_progress_argument_and_two_of_them_are_refused()
    {
        var source = new SyntheticPairSource(Classes, batches: 4);
        var options = new SiameseTrainerOptions { Epochs = 2, KeepBest = false, LogEverySteps = 2 };
        var asArgument = new SyncProgress<TrainingProgress>();
        var asCallback = new SyncProgress<TrainingProgress>();

        using (var network = TinyEncoder.Create())
        using (var loss = new ContrastiveLoss())
        {
            new SiameseTrainer(options).Fit(network, loss, source, progress: asArgument);
        }

        using (var network = TinyEncoder.Create())
        using (var loss = new ContrastiveLoss())
        {
            new SiameseTrainer(options with { Callbacks = [new ProgressReporter(asCallback)] }).Fit(network, loss, source);
        }

        // Steps 2 and 4 of each epoch, then the epoch's record.
        asCallback.Reports.Select(p => (p.Epoch, p.Step, p.CompletedEpoch is not null)).Should().Equal(
            (0, 2, false), (0, 4, false), (0, 4, true), (1, 2, false), (1, 4, false), (1, 4, true));
        asCallback.Reports.Select(p => (p.Epoch, p.Step, p.GlobalStep, p.Loss, p.CompletedEpoch?.TrainingLoss))
            .Should().Equal(asArgument.Reports.Select(p => (p.Epoch, p.Step, p.GlobalStep, p.Loss, p.CompletedEpoch?.TrainingLoss)));

        using var twice = TinyEncoder.Create();
        using var twiceLoss = new ContrastiveLoss();
        var act = () => new SiameseTrainer(options with { Callbacks = [new ProgressReporter(asCallback)] })
            .Fit(twice, twiceLoss, source, progress: asArgument);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("progress");
    }

    [Fact]
    public void Resuming_with_a_stateful_callback_the_checkpoint_has_no_state_for_warns_that_it_starts_afresh()
    {
        using var folder = new TempDirectory();
        var options = new SiameseTrainerOptions { Epochs = 1, KeepBest = false, CheckpointDirectory = folder.Path };
        using (var network = TinyEncoder.Create())
        using (var loss = new ContrastiveLoss())
        {
            new SiameseTrainer(options).Fit(network, loss, new SyntheticPairSource(Classes, batches: 2));
        }

        var logger = new ListLogger();
        using var resumed = TinyEncoder.Create();
        using var resumedLoss = new ContrastiveLoss();
        new SiameseTrainer(options with
        {
            Epochs = 2,
            ResumeFrom = Path.Combine(folder.Path, ModelCheckpoint.LastFileName),
            Callbacks = [new EarlyStopping(patience: 1)],
        }, logger).Fit(resumed, resumedLoss, new SyntheticPairSource(Classes, batches: 2));

        logger.Events.Should().ContainSingle(e => e.Id == 6016).Which.Message.Should().Contain("EarlyStopping");
    }

    private sealed class ListLogger : ILogger<SiameseTrainer>
    {
        public List<(int Id, string Message)> Events { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Events.Add((eventId.Id, formatter(state, exception)));
    }

    [Fact]
    public void Built_in_callbacks_validate_their_arguments_naming_them()
    {
        FluentActions.Invoking(() => new EarlyStopping(0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("patience");
        FluentActions.Invoking(() => new ModelCheckpoint(everySteps: 0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("everySteps");
        FluentActions.Invoking(() => new LearningRateScheduler(null!)).Should().Throw<ArgumentNullException>().WithParameterName("scheduler");
        FluentActions.Invoking(() => new ProgressReporter(null!)).Should().Throw<ArgumentNullException>().WithParameterName("progress");
    }
}
