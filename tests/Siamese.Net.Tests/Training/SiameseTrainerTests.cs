using Microsoft.Extensions.Logging;
using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Evaluation;
using Siamese.Net.Losses;
using Siamese.Net.Miners;
using Siamese.Net.Tests.TestSupport;
using Siamese.Net.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Training;

[Collection(TorchRandomCollection.Name)]
public sealed class SiameseTrainerTests
{
    private static readonly SyntheticClasses Classes = new(classes: 6);

    [Fact]
    public void Contrastive_training_learns_separable_identities_and_reports_verification_metrics()
    {
        using var network = TinyEncoder.Create();
        using var loss = new ContrastiveLoss(margin: 2.0);
        var trainer = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 4, Optimizer = KnownOptimizers.Adam(1e-2) });
        var before = TinyEncoder.Weights(network);

        var result = trainer.Fit(network, loss, new SyntheticPairSource(Classes, batches: 10), new SyntheticPairSource(Classes, batches: 4, seed: 99));

        result.History.Should().HaveCount(4);
        result.History.Select(h => h.Epoch).Should().Equal(0, 1, 2, 3);
        result.History[^1].TrainingLoss.Should().BeLessThan(result.History[0].TrainingLoss);
        result.History.Should().OnlyContain(h => h.LearningRate == 1e-2 && h.Duration > TimeSpan.Zero && h.Validation != null);
        var validation = result.History[^1].Validation!;
        validation.RocAuc.Should().BeGreaterThan(0.9);
        validation.Eer.Should().BeLessThan(0.2);
        validation.Accuracy.Should().BeGreaterThan(0.8);
        validation.ThresholdKind.Should().Be(ScoreKind.Distance);
        validation.Count.Should().Be(128, "64 pairs of two images");
        result.Monitor.Should().Be(MetricKeys.ValidationLoss);
        result.BestEpoch.Should().NotBeNull();
        result.History[result.BestEpoch!.Value].IsBest.Should().BeTrue();
        result.BestMetric.Should().Be(result.History[result.BestEpoch.Value].Validation!.Loss);
        result.RestoredBest.Should().BeTrue();
        result.GlobalSteps.Should().Be(40);
        TinyEncoder.Weights(network).Should().NotEqual(before);
    }

    [Fact]
    public void Bce_head_parameters_are_trained_with_the_network_and_validation_thresholds_a_probability()
    {
        using var network = TinyEncoder.Create();
        using var head = new BceHeadLoss(embeddingSize: 8);
        var headBefore = TinyEncoder.Weights(head);
        var trainer = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 2, Optimizer = KnownOptimizers.Adam(1e-2), KeepBest = false });

        var result = trainer.Fit(network, head, new SyntheticPairSource(Classes, batches: 8), new SyntheticPairSource(Classes, batches: 2, seed: 99));

        TinyEncoder.Weights(head).Should().NotEqual(headBefore, "the optimizer must include the BCE head's parameters");
        var validation = result.History[^1].Validation!;
        validation.ThresholdKind.Should().Be(ScoreKind.Similarity, "pairs are ranked by the head's same-pair logit");
        double.IsFinite(validation.Threshold!.Value).Should().BeTrue();
        validation.RocAuc.Should().BeGreaterThan(0.5);
        result.RestoredBest.Should().BeFalse();
    }

    [Fact]
    public void Triplet_loss_with_a_miner_trains_on_m_per_class_batches_and_reports_n_way_accuracy()
    {
        using var network = TinyEncoder.Create();
        using var loss = new TripletMarginLoss(margin: 0.5, miner: new BatchHardTripletMiner());
        var trainer = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 3, Optimizer = KnownOptimizers.Adam(1e-2), Monitor = MetricKeys.ValidationNWayAccuracy });

        var result = trainer.Fit(network, loss, new SyntheticLabelledSource(Classes, batches: 10),
            new SyntheticLabelledSource(Classes, batches: 3, classesPerBatch: 5, perClass: 3, seed: 77));

        result.History[^1].TrainingLoss.Should().BeLessThan(result.History[0].TrainingLoss);
        var validation = result.History[^1].Validation!;
        validation.Ways.Should().Be(5);
        validation.Count.Should().Be(3 * 5 * 3, "three batches of five classes with three images each");
        validation.NWayAccuracy.Should().BeGreaterThan(0.8, "each class's first image is the support, the other two are queries");
        validation.RocAuc.Should().BeGreaterThan(0.5, "the same embeddings also give all pairs of each batch");
        result.Monitor.Should().Be(MetricKeys.ValidationNWayAccuracy);
    }

    [Fact]
    public void Explicit_triplets_train_and_validate_as_one_same_and_one_different_pair_each()
    {
        using var network = TinyEncoder.Create();
        using var loss = new TripletMarginLoss(margin: 1.0);
        var result = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 3, Optimizer = KnownOptimizers.Adam(1e-2), Monitor = MetricKeys.ValidationRocAuc })
            .Fit(network, loss, new SyntheticTripletSource(Classes, batches: 8), new SyntheticTripletSource(Classes, batches: 2, seed: 31));

        result.History[^1].TrainingLoss.Should().BeLessThan(result.History[0].TrainingLoss);
        var validation = result.History[^1].Validation!;
        validation.Count.Should().Be(2 * 3 * 8, "two batches of eight triplets of three images");
        validation.RocAuc.Should().BeGreaterThan(0.9);
        validation.ThresholdKind.Should().Be(ScoreKind.Distance);
        result.Monitor.Should().Be(MetricKeys.ValidationRocAuc);
        result.BestMetric.Should().Be(result.History.Max(h => h.Validation!.RocAuc));
    }

    [Fact]
    public void A_SiameseNetwork_is_trained_and_validated_with_its_own_distance()
    {
        using var network = new SiameseNetwork(TinyEncoder.Create(), new CosineDistance());
        using var loss = new ContrastiveLoss(margin: 1.0, distance: new CosineDistance());
        var result = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 3, Optimizer = KnownOptimizers.Adam(1e-2) })
            .Fit(network, loss, new SyntheticPairSource(Classes, batches: 8), new SyntheticPairSource(Classes, batches: 4, seed: 99));

        var validation = result.History[^1].Validation!;
        validation.ThresholdKind.Should().Be(ScoreKind.Distance);
        validation.Threshold.Should().BeInRange(0, 2, "a cosine distance lies in [0, 2]");
        validation.RocAuc.Should().BeGreaterThan(0.9);
    }

    [Fact]
    public void A_resumed_run_ends_with_the_same_weights_as_an_uninterrupted_one()
    {
        using var folder = new TempDirectory();
        var options = new SiameseTrainerOptions
        {
            Epochs = 3,
            Optimizer = KnownOptimizers.Adam(5e-3),
            Callbacks = [new LearningRateScheduler(KnownSchedulers.Step(1, 0.5))],
            GradientClipNorm = 1.0,
            LogEverySteps = 2,
            KeepBest = false,
        };
        var source = new SyntheticPairSource(Classes, batches: 6);
        var validation = new SyntheticPairSource(Classes, batches: 2, seed: 99);

        using var reference = TinyEncoder.Create();
        using var referenceLoss = new ContrastiveLoss();
        var uninterrupted = new SiameseTrainer(options).Fit(reference, referenceLoss, source, validation);

        // Same start, cancelled in the middle of epoch 1 while the source reads batch 3: step 3 still runs (the
        // batch is already there), training stops at the boundary before step 4, which is not a log step.
        using var network = TinyEncoder.Create();
        using var loss = new ContrastiveLoss();
        using var cts = new CancellationTokenSource();
        source.BeforeBatch = (epoch, batch) =>
        {
            if (epoch == 1 && batch == 3)
            {
                cts.Cancel();
            }
        };
        var withCheckpoints = options with { CheckpointDirectory = folder.Path };
        var cancelled = () => new SiameseTrainer(withCheckpoints).Fit(network, loss, source, validation, cancellationToken: cts.Token);
        cancelled.Should().Throw<OperationCanceledException>().WithMessage("*epoch 1, step 4*");
        source.BeforeBatch = null;

        var last = Path.Combine(folder.Path, "last.ckpt");
        var header = TrainingCheckpoint.Read(last);
        header.Epoch.Should().Be(1);
        header.Step.Should().Be(4);
        header.GlobalStep.Should().Be(10);
        header.History.Should().HaveCount(1);

        // A new process: fresh objects with different initial weights, everything comes from the checkpoint.
        random.manual_seed(12345);
        torch.rand(1000).Dispose();
        using var resumedNetwork = TinyEncoder.Create(seed: 99);
        using var resumedLoss = new ContrastiveLoss();
        var resumed = new SiameseTrainer(withCheckpoints with { ResumeFrom = last }).Fit(resumedNetwork, resumedLoss, source, validation);

        var expected = TinyEncoder.Weights(reference);
        var actual = TinyEncoder.Weights(resumedNetwork);
        actual.Should().HaveCount(expected.Length);
        actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max().Should().BeLessThanOrEqualTo(1e-6);
        resumed.GlobalSteps.Should().Be(uninterrupted.GlobalSteps);
        resumed.History.Select(h => h.LearningRate).Should().Equal(uninterrupted.History.Select(h => h.LearningRate));
        resumed.History.Select(h => h.TrainingLoss).Should().Equal(uninterrupted.History.Select(h => h.TrainingLoss),
            (a, e) => Math.Abs(a - e) <= 1e-9 * Math.Max(1, Math.Abs(e)));
        resumed.History.Select(h => h.Validation!.RocAuc).Should().Equal(uninterrupted.History.Select(h => h.Validation!.RocAuc));
    }

    [Fact]
    public void After_a_crash_mid_epoch_training_resumes_exactly_from_the_last_periodic_checkpoint()
    {
        using var folder = new TempDirectory();
        var options = new SiameseTrainerOptions { Epochs = 2, KeepBest = false, Callbacks = [new LearningRateScheduler(KnownSchedulers.Cosine(2))] };
        var source = new SyntheticPairSource(Classes, batches: 7);

        using var reference = TinyEncoder.Create();
        using var referenceLoss = new ContrastiveLoss();
        new SiameseTrainer(options).Fit(reference, referenceLoss, source);

        // The "process" dies while reading batch 5 of epoch 1; the last periodic checkpoint is at step 3.
        using var network = TinyEncoder.Create();
        using var loss = new ContrastiveLoss();
        source.BeforeBatch = (epoch, batch) =>
        {
            if (epoch == 1 && batch == 5)
            {
                throw new IOException("disk gone");
            }
        };
        var withCheckpoints = options with { CheckpointDirectory = folder.Path, Callbacks = [.. options.Callbacks, new ModelCheckpoint(everySteps: 3)] };
        var crashed = () => new SiameseTrainer(withCheckpoints).Fit(network, loss, source);
        crashed.Should().Throw<IOException>();
        source.BeforeBatch = null;
        var last = Path.Combine(folder.Path, "last.ckpt");
        TrainingCheckpoint.Read(last).Should().Match<TrainingCheckpoint>(c => c.Epoch == 1 && c.Step == 3);

        using var resumedNetwork = TinyEncoder.Create(seed: 21);
        using var resumedLoss = new ContrastiveLoss();
        var resumed = new SiameseTrainer(withCheckpoints with { ResumeFrom = last }).Fit(resumedNetwork, resumedLoss, source);

        TinyEncoder.Weights(resumedNetwork).Should().Equal(TinyEncoder.Weights(reference));
        resumed.GlobalSteps.Should().Be(14);
    }

    [Fact]
    public void A_cancellation_during_validation_keeps_the_trained_epoch_and_resumes_exactly()
    {
        using var folder = new TempDirectory();
        var options = new SiameseTrainerOptions { Epochs = 2, KeepBest = false };
        var source = new SyntheticPairSource(Classes, batches: 4);
        var validation = new SyntheticPairSource(Classes, batches: 3, seed: 99);

        using var reference = TinyEncoder.Create();
        using var referenceLoss = new ContrastiveLoss();
        var uninterrupted = new SiameseTrainer(options).Fit(reference, referenceLoss, source, validation);

        using var network = TinyEncoder.Create();
        using var loss = new ContrastiveLoss();
        using var cts = new CancellationTokenSource();
        validation.BeforeBatch = (_, batch) =>
        {
            if (batch == 1)
            {
                cts.Cancel();
            }
        };
        var withCheckpoints = options with { CheckpointDirectory = folder.Path };
        var cancelled = () => new SiameseTrainer(withCheckpoints).Fit(network, loss, source, validation, cancellationToken: cts.Token);
        cancelled.Should().Throw<OperationCanceledException>().WithMessage("*while validating epoch 0*");
        validation.BeforeBatch = null;
        var last = Path.Combine(folder.Path, "last.ckpt");
        TrainingCheckpoint.Read(last).Should().Match<TrainingCheckpoint>(c => c.Epoch == 0 && c.Step == 4 && c.GlobalStep == 4);

        using var resumedNetwork = TinyEncoder.Create(seed: 4);
        using var resumedLoss = new ContrastiveLoss();
        var resumed = new SiameseTrainer(withCheckpoints with { ResumeFrom = last }).Fit(resumedNetwork, resumedLoss, source, validation);

        TinyEncoder.Weights(resumedNetwork).Should().Equal(TinyEncoder.Weights(reference));
        resumed.History.Select(h => h.TrainingLoss).Should().Equal(uninterrupted.History.Select(h => h.TrainingLoss),
            (a, e) => Math.Abs(a - e) <= 1e-9 * Math.Max(1, Math.Abs(e)));
        resumed.History.Select(h => h.Validation!.RocAuc).Should().Equal(uninterrupted.History.Select(h => h.Validation!.RocAuc));
    }

    [Fact]
    public void A_resumed_run_with_keep_best_restores_the_best_epoch_saved_before_the_interruption()
    {
        using var folder = new TempDirectory();
        var options = new SiameseTrainerOptions
        {
            Epochs = 3,
            Monitor = MetricKeys.TrainingLoss,
            MonitorMode = MetricMode.Max, // the loss falls, so epoch 0 stays the best
            CheckpointDirectory = folder.Path,
        };
        var source = new SyntheticPairSource(Classes, batches: 4);

        using var reference = TinyEncoder.Create();
        using var referenceLoss = new ContrastiveLoss();
        var uninterrupted = new SiameseTrainer(options with { CheckpointDirectory = null }).Fit(reference, referenceLoss, source);
        uninterrupted.BestEpoch.Should().Be(0);
        uninterrupted.RestoredBest.Should().BeTrue();

        using var network = TinyEncoder.Create();
        using var loss = new ContrastiveLoss();
        using var cts = new CancellationTokenSource();
        source.BeforeBatch = (epoch, batch) =>
        {
            if (epoch == 2 && batch == 1)
            {
                cts.Cancel();
            }
        };
        var cancelled = () => new SiameseTrainer(options).Fit(network, loss, source, cancellationToken: cts.Token);
        cancelled.Should().Throw<OperationCanceledException>();
        source.BeforeBatch = null;

        using var resumedNetwork = TinyEncoder.Create(seed: 5);
        using var resumedLoss = new ContrastiveLoss();
        var resumed = new SiameseTrainer(options with { ResumeFrom = Path.Combine(folder.Path, "last.ckpt") })
            .Fit(resumedNetwork, resumedLoss, source);

        resumed.BestEpoch.Should().Be(0);
        resumed.RestoredBest.Should().BeTrue();
        TinyEncoder.Weights(resumedNetwork).Should().Equal(TinyEncoder.Weights(reference));
    }

    [Fact]
    public void A_resumed_triplet_run_with_adamw_and_plateau_schedule_is_exact_too()
    {
        using var folder = new TempDirectory();
        var options = new SiameseTrainerOptions
        {
            Epochs = 3,
            Optimizer = KnownOptimizers.AdamW(weightDecay: 5e-4),
            Callbacks = [new LearningRateScheduler(KnownSchedulers.ReduceOnPlateau(MetricMode.Max, factor: 0.5, patience: 0))],
            Monitor = MetricKeys.TrainingLoss,
            MonitorMode = MetricMode.Max, // a falling loss never "improves": the plateau schedule acts every epoch
        };
        var source = new SyntheticLabelledSource(Classes, batches: 4);

        using var reference = TinyEncoder.Create();
        using var referenceLoss = new TripletMarginLoss(miner: new BatchAllTripletMiner());
        var uninterrupted = new SiameseTrainer(options).Fit(reference, referenceLoss, source);
        // PyTorch semantics: patience 0 reduces after the first epoch that is worse than the best (epoch 1).
        uninterrupted.History.Select(h => h.LearningRate).Should().Equal(1e-3, 1e-3, 5e-4);

        // Interrupt exactly at an epoch boundary this time.
        using var network = TinyEncoder.Create();
        using var loss = new TripletMarginLoss(miner: new BatchAllTripletMiner());
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress<TrainingProgress>(p =>
        {
            if (p.Epoch == 0 && p.Step == p.StepsPerEpoch)
            {
                cts.Cancel();
            }
        });
        var withCheckpoints = options with { CheckpointDirectory = folder.Path };
        var cancelled = () => new SiameseTrainer(withCheckpoints).Fit(network, loss, source, progress: progress, cancellationToken: cts.Token);
        cancelled.Should().Throw<OperationCanceledException>();
        var last = Path.Combine(folder.Path, "last.ckpt");
        TrainingCheckpoint.Read(last).Should().Match<TrainingCheckpoint>(c => c.Epoch == 1 && c.Step == 0);

        using var resumedNetwork = TinyEncoder.Create(seed: 3);
        using var resumedLoss = new TripletMarginLoss(miner: new BatchAllTripletMiner());
        var resumed = new SiameseTrainer(withCheckpoints with { ResumeFrom = last }).Fit(resumedNetwork, resumedLoss, source);

        TinyEncoder.Weights(resumedNetwork).Zip(TinyEncoder.Weights(reference), (a, e) => Math.Abs(a - e)).Max().Should().BeLessThanOrEqualTo(1e-6);
        resumed.History.Select(h => h.LearningRate).Should().Equal(1e-3, 1e-3, 5e-4);
    }

    [Fact]
    public void A_non_finite_loss_stops_training_naming_epoch_and_step_and_keeps_the_last_good_checkpoint()
    {
        using var folder = new TempDirectory();
        using var network = TinyEncoder.Create();
        using var loss = new PoisonedLoss(new ContrastiveLoss(), poisonAtCall: 6 + 2); // epoch 1, step 2
        var trainer = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 3, CheckpointDirectory = folder.Path, LogEverySteps = 50 });

        var act = () => trainer.Fit(network, loss, new SyntheticPairSource(Classes, batches: 6));

        var error = act.Should().Throw<NonFiniteLossException>().Which;
        error.Epoch.Should().Be(1);
        error.Step.Should().Be(2);
        error.Message.Should().Contain("epoch 1, step 2");
        var last = Path.Combine(folder.Path, "last.ckpt");
        error.LastCheckpoint.Should().Be(last);
        var header = TrainingCheckpoint.Read(last);
        header.Epoch.Should().Be(1);
        header.Step.Should().Be(0);

        using var restored = TinyEncoder.Create(seed: 1);
        TrainingCheckpoint.LoadWeights(last, restored);
        TinyEncoder.Weights(restored).Should().OnlyContain(w => double.IsFinite(w));
    }

    [Fact]
    public void A_data_loading_failure_surfaces_with_the_file_name()
    {
        using var network = TinyEncoder.Create();
        using var loss = new ContrastiveLoss();
        var source = new SyntheticPairSource(Classes, batches: 4)
        {
            BeforeBatch = (epoch, batch) =>
            {
                if (epoch == 0 && batch == 2)
                {
                    throw new InvalidDataException("Cannot decode '/data/sign_data/049/03_049.png': truncated PNG.");
                }
            },
        };

        var act = () => new SiameseTrainer(new SiameseTrainerOptions { Epochs = 1 }).Fit(network, loss, source);

        act.Should().Throw<InvalidDataException>().WithMessage("*03_049.png*");
    }

    [Fact]
    public void Early_stopping_ends_the_run_after_patience_evaluations_without_improvement()
    {
        using var network = TinyEncoder.Create();
        using var loss = new ContrastiveLoss();
        var options = new SiameseTrainerOptions
        {
            Epochs = 10,
            Optimizer = KnownOptimizers.Adam(1e-2),
            Monitor = MetricKeys.TrainingLoss,
            MonitorMode = MetricMode.Max, // the loss falls, so it never improves in this direction
            Callbacks = [new EarlyStopping(patience: 2)],
        };

        var result = new SiameseTrainer(options).Fit(network, loss, new SyntheticPairSource(Classes, batches: 3));

        result.StoppedEarly.Should().BeTrue();
        result.History.Should().HaveCount(3);
        result.BestEpoch.Should().Be(0);
    }

    [Fact]
    public void Validation_runs_every_n_epochs_and_after_the_last_one()
    {
        using var network = TinyEncoder.Create();
        using var loss = new ContrastiveLoss();
        var options = new SiameseTrainerOptions { Epochs = 5, ValidateEveryEpochs = 2, Callbacks = [new LearningRateScheduler(KnownSchedulers.Cosine(5, 1e-4))] };

        var result = new SiameseTrainer(options).Fit(network, loss, new SyntheticPairSource(Classes, batches: 2),
            new SyntheticPairSource(Classes, batches: 1, seed: 9));

        result.History.Select(h => h.Validation is not null).Should().Equal(false, true, false, true, true);
        var rates = result.History.Select(h => h.LearningRate).ToArray();
        rates[0].Should().Be(1e-3);
        rates.Should().BeInDescendingOrder();
        rates[^1].Should().BeApproximately(1e-4 + ((1e-3 - 1e-4) * (1 + Math.Cos(Math.PI * 4 / 5)) / 2), 1e-12);
    }

    [Fact]
    public void Monitoring_a_validation_metric_without_a_validation_source_is_rejected()
    {
        using var network = TinyEncoder.Create();
        using var loss = new ContrastiveLoss();
        var trainer = new SiameseTrainer(new SiameseTrainerOptions { Monitor = MetricKeys.ValidationRocAuc });
        var act = () => trainer.Fit(network, loss, new SyntheticPairSource(Classes, batches: 1));
        act.Should().Throw<ArgumentException>().WithMessage("*val/auc*needs a validation source*");

        using var triplet = new TripletMarginLoss();
        var episodes = new SyntheticLabelledSource(Classes, batches: 1);
        var unknown = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 1, Monitor = "val/map_at_r" });
        var unmeasured = () => unknown.Fit(network, triplet, episodes, episodes);
        unmeasured.Should().Throw<ArgumentException>().WithMessage("*'val/map_at_r' was not measured*val/auc*");
    }

    [Fact]
    public void Gradient_clipping_bounds_the_global_gradient_norm()
    {
        using var network = TinyEncoder.Create(dropout: 0);
        using var loss = new ContrastiveLoss();
        var before = TinyEncoder.Weights(network);
        var options = new SiameseTrainerOptions
        {
            Epochs = 1,
            Optimizer = KnownOptimizers.Sgd(1.0, momentum: 0, weightDecay: 0),
            GradientClipNorm = 1e-3,
            KeepBest = false,
        };

        new SiameseTrainer(options).Fit(network, loss, new SyntheticPairSource(Classes, batches: 1));

        // One SGD step with lr 1 moves the weights by exactly the (clipped) gradient.
        var step = Math.Sqrt(TinyEncoder.Weights(network).Zip(before, (a, b) => (a - b) * (a - b)).Sum());
        step.Should().BeGreaterThan(0).And.BeLessThanOrEqualTo(1e-3 * 1.001);
    }

    [Fact]
    public void Progress_reports_epoch_step_loss_throughput_and_eta()
    {
        using var network = TinyEncoder.Create();
        using var loss = new ContrastiveLoss();
        var progress = new SyncProgress<TrainingProgress>();
        var logger = new ListLogger();

        new SiameseTrainer(new SiameseTrainerOptions { Epochs = 2, LogEverySteps = 2 }, logger)
            .Fit(network, loss, new SyntheticPairSource(Classes, batches: 5, batchSize: 8), progress: progress);

        // Each epoch: step reports, its last step, then the same numbers again with the finished epoch's record.
        progress.Reports.Select(p => (p.Epoch, p.Step, p.CompletedEpoch is not null))
            .Should().Equal((0, 2, false), (0, 4, false), (0, 5, false), (0, 5, true), (1, 2, false), (1, 4, false), (1, 5, false), (1, 5, true));
        progress.Reports.Should().OnlyContain(p => p.Epochs == 2 && p.StepsPerEpoch == 5 && double.IsFinite(p.Loss) && p.SamplesPerSecond > 0);
        progress.Reports.Where(p => p.CompletedEpoch is not null).Select(p => p.CompletedEpoch!.Epoch).Should().Equal(0, 1);
        progress.Reports[3].CompletedEpoch!.TrainingLoss.Should().Be(progress.Reports[2].Loss);
        progress.Reports[^1].GlobalStep.Should().Be(10);
        progress.Reports[^1].EstimatedRemaining.Should().Be(TimeSpan.Zero);
        progress.Reports[0].EstimatedRemaining.Should().BePositive();
        logger.Messages.Should().Contain(m => m.StartsWith("Epoch 1: training loss", StringComparison.Ordinal));
        logger.Messages.Should().Contain(m => m.StartsWith("Training 2 epochs of 5 steps on cpu", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Keep_best_writes_best_checkpoint_and_restores_the_best_weights()
    {
        using var folder = new TempDirectory();
        using var network = TinyEncoder.Create();
        using var loss = new ContrastiveLoss();
        var options = new SiameseTrainerOptions { Epochs = 3, Optimizer = KnownOptimizers.Adam(1e-2), CheckpointDirectory = folder.Path };

        var result = new SiameseTrainer(options).Fit(network, loss, new SyntheticPairSource(Classes, batches: 4),
            new SyntheticPairSource(Classes, batches: 2, seed: 99));

        result.BestCheckpoint.Should().Be(Path.Combine(folder.Path, "best.ckpt"));
        var best = TrainingCheckpoint.Read(result.BestCheckpoint!);
        best.Epoch.Should().Be(result.BestEpoch!.Value + 1);
        using var fromFile = TinyEncoder.Create(seed: 1);
        TrainingCheckpoint.LoadWeights(result.BestCheckpoint!, fromFile);
        TinyEncoder.Weights(fromFile).Should().Equal(TinyEncoder.Weights(network));
        TrainingCheckpoint.Read(result.LastCheckpoint!).Finished.Should().BeTrue();
        Directory.GetFiles(folder.Path).Select(Path.GetFileName).Should().BeEquivalentTo("last.ckpt", "best.ckpt");
    }

    [Fact]
    public void Live_tensor_count_does_not_grow_over_hundreds_of_steps()
    {
        using var network = TinyEncoder.Create();
        using var loss = new ContrastiveLoss();
        var counts = new List<long>();
        // Step reports only: the epoch's closing report comes after the epoch's tensors are released.
        var progress = new SyncProgress<TrainingProgress>(p =>
        {
            if (p.CompletedEpoch is null)
            {
                counts.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            }
        });
        var options = new SiameseTrainerOptions { Epochs = 1, LogEverySteps = 25, GradientClipNorm = 5, KeepBest = false };

        new SiameseTrainer(options).Fit(network, loss, new SyntheticPairSource(Classes, batches: 300, batchSize: 4), progress: progress);

        counts.Should().HaveCount(12);
        // After warm-up (optimizer state allocated in the first step) the count is flat: nothing leaks per step.
        counts.Skip(1).Max().Should().BeLessThanOrEqualTo(counts[1]);
    }

    [Fact]
    public void Validation_runs_in_eval_mode_without_autograd_and_nothing_is_written_to_the_console()
    {
        using var network = new ModeProbe(TinyEncoder.Create());
        using var loss = new ContrastiveLoss();
        var console = new StringWriter();
        var original = Console.Out;
        Console.SetOut(console);
        try
        {
            new SiameseTrainer(new SiameseTrainerOptions { Epochs = 2, Callbacks = [new LearningRateScheduler(KnownSchedulers.ReduceOnPlateau())], LogEverySteps = 1 })
                .Fit(network, loss, new SyntheticPairSource(Classes, batches: 3), new SyntheticPairSource(Classes, batches: 2, seed: 99));
        }
        finally
        {
            Console.SetOut(original);
        }

        console.ToString().Should().BeEmpty();
        network.Calls.Should().Equal(
            Enumerable.Repeat((Training: true, Grad: true), 3)
                .Concat(Enumerable.Repeat((Training: false, Grad: false), 2))
                .Concat(Enumerable.Repeat((Training: true, Grad: true), 3))
                .Concat(Enumerable.Repeat((Training: false, Grad: false), 2)));
    }

    /// <summary>Records, for every forward pass, whether the module was in training mode and autograd was on.</summary>
    private sealed class ModeProbe : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> inner;

        public ModeProbe(nn.Module<Tensor, Tensor> inner)
            : base(nameof(ModeProbe))
        {
            this.inner = inner;
            RegisterComponents();
        }

        public List<(bool Training, bool Grad)> Calls { get; } = [];

        public override Tensor forward(Tensor input)
        {
            Calls.Add((training, is_grad_enabled()));
            return inner.forward(input);
        }
    }

    /// <summary>Returns NaN on one call, otherwise the wrapped loss.</summary>
    private sealed class PoisonedLoss : MetricLoss
    {
        private readonly ContrastiveLoss _inner;
        private readonly int _poisonAtCall;
        private int _calls;

        public PoisonedLoss(ContrastiveLoss inner, int poisonAtCall)
            : base(nameof(PoisonedLoss), inner.Distance)
        {
            _inner = inner;
            _poisonAtCall = poisonAtCall;
        }

        protected override Tensor PerItem(Tensor embeddings, Tensor? labels, IndexTuples? tuples)
        {
            var value = _inner.Compute(embeddings, labels, tuples);
            return (_calls++ == _poisonAtCall ? value * double.NaN : value).reshape(1);
        }
    }

    private sealed class ListLogger : ILogger<SiameseTrainer>
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
