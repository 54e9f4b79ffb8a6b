using Microsoft.Extensions.Logging;
using Siamese.Net.Data;
using Siamese.Net.Losses;
using Siamese.Net.Miners;
using Siamese.Net.Tests.TestSupport;
using Siamese.Net.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Training;

/// <summary>
/// One Fit for every batch shape and loss, the trainer's use of <c>.call</c>, and its refusal to save or keep a model
/// whose weights, buffers or gradients are not finite.
/// </summary>
public sealed class OneFitTests
{
    private static readonly SyntheticClasses Classes = new(classes: 6);

    [Fact]
    public void A_contrastive_loss_trains_on_PxK_batches_with_a_pair_miner_and_a_triplet_loss_on_given_triplets()
    {
        var trainer = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 3, Optimizer = KnownOptimizers.Adam(1e-2) });

        using var pairNetwork = TinyEncoder.Create();
        using var contrastive = new ContrastiveLoss(margin: 1.0, miner: new PairMarginMiner(positiveMargin: 0.1, negativeMargin: 1.0));
        var pairs = trainer.Fit(pairNetwork, contrastive, new SyntheticLabelledSource(Classes, batches: 10), new SyntheticLabelledSource(Classes, batches: 2, seed: 51));

        using var tripletNetwork = TinyEncoder.Create();
        using var triplet = new TripletMarginLoss(margin: 1.0);
        var triplets = trainer.Fit(tripletNetwork, triplet, new SyntheticTripletSource(Classes, batches: 10), new SyntheticTripletSource(Classes, batches: 2, seed: 52));

        pairs.History[^1].TrainingLoss.Should().BeLessThan(pairs.History[0].TrainingLoss);
        pairs.History[^1].Validation!.RocAuc.Should().BeGreaterThan(0.8);
        pairs.History[^1].Validation!.NWayAccuracy.Should().NotBeNull("P×K validation batches have labels");
        triplets.History[^1].TrainingLoss.Should().BeLessThan(triplets.History[0].TrainingLoss);
        triplets.History[^1].Validation!.RocAuc.Should().BeGreaterThan(0.8);
        triplets.History[^1].Validation!.NWayAccuracy.Should().BeNull("given triplets carry no labels");
        pairs.History.Should().OnlyContain(h => h.Metrics.ContainsKey(MetricKeys.TrainingActiveTuples));
    }

    [Fact]
    public void A_PxK_source_with_too_few_images_per_class_for_the_loss_is_refused_before_training()
    {
        var folder = new TempDirectory();
        try
        {
            TestDatasets.WriteFolders(folder.Path, [3, 3, 3]);
            var dataset = ImageFolderDataset.Load(folder.Path);
            var single = new MPerClassBatchSource(dataset, new ImageStore(new Siamese.Net.Imaging.ImagePreprocessing { Width = 8, Height = 8 }), new MPerClassBatchOptions { ClassesPerBatch = 3, ImagesPerClass = 1 });
            using var network = TinyEncoder.Create();
            using var loss = new TripletMarginLoss();

            var act = () => new SiameseTrainer().Fit(network, loss, single);

            act.Should().Throw<ArgumentException>().WithMessage("*TripletMarginLoss needs at least 2 images of each class*draws 1*")
                .Which.ParamName.Should().Be("training");
        }
        finally
        {
            folder.Dispose();
        }
    }

    [Fact]
    public void Every_bad_image_is_named_before_the_first_step()
    {
        using var folder = new TempDirectory();
        TestDatasets.WriteFolders(folder.Path, [3, 3, 3]);
        var bad = new[] { Path.Combine(folder.Path, "c00", "bad.pgm"), Path.Combine(folder.Path, "c02", "cut.pgm") };
        File.WriteAllText(bad[0], "not an image");
        File.WriteAllBytes(bad[1], [.. System.Text.Encoding.ASCII.GetBytes("P5\n8 8\n255\n"), .. new byte[10]]);
        var dataset = ImageFolderDataset.Load(folder.Path);
        var store = new ImageStore(new Siamese.Net.Imaging.ImagePreprocessing { Width = 8, Height = 8 });
        var source = new BatchLoader<LabelledBatch>(new MPerClassBatchSource(dataset, store, new MPerClassBatchOptions { ClassesPerBatch = 3, ImagesPerClass = 2 }));
        using var network = TinyEncoder.Create();
        using var loss = new TripletMarginLoss();
        var progress = new SyncProgress<TrainingProgress>();

        var act = () => new SiameseTrainer().Fit(network, loss, source, progress: progress);

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain(bad[0]).And.Contain(bad[1]);
        progress.Reports.Should().BeEmpty("nothing was trained");
        var skipped = () => new SiameseTrainer(new SiameseTrainerOptions { VerifyImages = false, Epochs = 1 }).Fit(network, loss, source);
        skipped.Should().Throw<Exception>("with verification off the bad file is met when a batch draws it");
    }

    [Fact]
    public void A_forward_hook_registered_on_the_network_fires_during_training_and_validation()
    {
        using var network = TinyEncoder.Create();
        int calls = 0;
        var hook = network.register_forward_hook((module, input, output) =>
        {
            calls++;
            return output;
        });
        using var loss = new TripletMarginLoss(0.5, new BatchHardTripletMiner());

        new SiameseTrainer(new SiameseTrainerOptions { Epochs = 1 })
            .Fit(network, loss, new SyntheticLabelledSource(Classes, batches: 3), new SyntheticLabelledSource(Classes, batches: 2, seed: 5));

        hook.remove();
        calls.Should().Be(3 + 2, "one forward per training step and per validation batch");
    }

    [Fact]
    public void A_loss_without_active_tuples_for_many_steps_is_reported()
    {
        using var network = TinyEncoder.Create();
        // One image per class in every batch: no positive pair, so no triplet can be mined.
        using var loss = new TripletMarginLoss(0.5, new BatchHardTripletMiner());
        var logger = new ListLogger();
        new SiameseTrainer(new SiameseTrainerOptions { Epochs = 1, LogEverySteps = 2, NoActiveTuplesWarningSteps = 4 }, logger)
            .Fit(network, loss, new SyntheticLabelledSource(Classes, batches: 6, classesPerBatch: 4, perClass: 1));

        logger.Messages.Should().ContainSingle(m => m.Contains("no active tuple for", StringComparison.Ordinal) && m.Contains("in a row", StringComparison.Ordinal));

        using var learning = TinyEncoder.Create();
        using var fine = new TripletMarginLoss(0.5, new BatchHardTripletMiner());
        var quiet = new ListLogger();
        new SiameseTrainer(new SiameseTrainerOptions { Epochs = 1, LogEverySteps = 2, NoActiveTuplesWarningSteps = 4 }, quiet)
            .Fit(learning, fine, new SyntheticLabelledSource(Classes, batches: 6));
        quiet.Messages.Should().NotContain(m => m.Contains("no active tuple", StringComparison.Ordinal));
    }

    [Fact]
    public void Weights_that_overflow_while_the_loss_stays_finite_are_never_checkpointed()
    {
        using var folder = new TempDirectory();
        using var network = new NormEncoder();
        using var loss = new ContrastiveLoss();
        var trainer = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 2, CheckpointDirectory = folder.Path, Callbacks = [new CorruptRunningVarianceAt(epoch: 1)] });

        var act = () => trainer.Fit(network, loss, new SyntheticPairSource(Classes, batches: 3));

        var error = act.Should().Throw<NonFiniteLossException>().Which;
        error.Message.Should().Contain("running_var").And.Contain("nothing was saved");
        var header = TrainingCheckpoint.Read(Path.Combine(folder.Path, "last.ckpt"));
        header.Epoch.Should().Be(1, "the checkpoint of epoch 0 is the last good one; epoch 1's was refused");
        File.Exists(Path.Combine(folder.Path, "best.ckpt")).Should().BeTrue();
        TrainingCheckpoint.Read(Path.Combine(folder.Path, "best.ckpt")).Epoch.Should().Be(1);
    }

    [Fact]
    public void A_finite_loss_with_a_non_finite_gradient_stops_at_that_step()
    {
        using var folder = new TempDirectory();
        using var network = TinyEncoder.Create();
        using var loss = new GradientPoison(new ContrastiveLoss(), poisonAtCall: 4);
        var trainer = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 2, CheckpointDirectory = folder.Path, LogEverySteps = 50 });

        var act = () => trainer.Fit(network, loss, new SyntheticPairSource(Classes, batches: 3));

        var error = act.Should().Throw<NonFiniteLossException>().Which;
        (error.Epoch, error.Step).Should().Be((1, 1));
        using var restored = TinyEncoder.Create(seed: 1);
        TrainingCheckpoint.LoadWeights(Path.Combine(folder.Path, "last.ckpt"), restored);
        TinyEncoder.Weights(restored).Should().OnlyContain(w => double.IsFinite(w));
    }

    /// <summary>An encoder with batch norm, whose running variance a callback can spoil.</summary>
    private sealed class NormEncoder : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> fc;
        private readonly nn.Module<Tensor, Tensor> norm;

        public NormEncoder()
            : base(nameof(NormEncoder))
        {
            random.manual_seed(11);
            fc = nn.Linear(64, 8);
            norm = nn.BatchNorm1d(8);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => norm.call(fc.call(input.flatten(1)));
    }

    /// <summary>What SGD at a huge learning rate did in the field: a finite loss while BatchNorm's running variance overflows.</summary>
    private sealed class CorruptRunningVarianceAt(int epoch) : ITrainerCallback
    {
        public void OnEpochEnd(TrainerContext context, EpochRecord record)
        {
            if (context.Epoch == epoch)
            {
                using var noGrad = no_grad();
                foreach (var (name, buffer) in context.Network.named_buffers())
                {
                    if (name.EndsWith("running_var", StringComparison.Ordinal))
                    {
                        buffer.fill_(double.PositiveInfinity);
                    }
                }
            }
        }
    }

    /// <summary>A finite loss whose gradient is NaN on one call (0 * sqrt(-1) in the backward pass).</summary>
    private sealed class GradientPoison(ContrastiveLoss inner, int poisonAtCall) : MetricLoss(nameof(GradientPoison), inner.Distance)
    {
        private int _calls;

        protected override Tensor PerItem(Tensor embeddings, Tensor? labels, IndexTuples? tuples)
        {
            var value = inner.Compute(embeddings, labels, tuples).reshape(1);
            if (_calls++ != poisonAtCall)
            {
                return value;
            }

            // The forward value is unchanged (the added term is 0), but d/dx of x * 0 through nan_to_num is NaN.
            var nanGradient = (embeddings.sum() * double.NaN).nan_to_num(0.0).reshape(1);
            return value + nanGradient;
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
