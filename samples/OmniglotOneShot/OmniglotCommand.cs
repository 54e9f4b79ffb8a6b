using System.Diagnostics;
using System.Globalization;
using Siamese.Net;
using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Encoders;
using Siamese.Net.Evaluation;
using Siamese.Net.Imaging;
using Siamese.Net.Losses;
using Siamese.Net.Miners;
using Siamese.Net.Training;
using Siamese.Net.Samples.Common.Data;
using Siamese.Net.Samples.Common.Imaging;
using Siamese.Net.Samples.Common.Plots;
using Siamese.Net.Samples.Common.Progress;
using Siamese.Net.Samples.Common.Results;
using Siamese.Net.Samples.Common.Synthetic;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;
using static TorchSharp.torch;
using Siamese.Net.Datasets;

namespace OmniglotOneShot;

/// <summary>
/// Trains on the background alphabets, then classifies characters of unseen alphabets from one example each
/// (Lake's runs when given, otherwise runs drawn from held-out alphabets) and reports <c>accuracy_20way_1shot</c>.
/// </summary>
public sealed class OmniglotCommand : Command<OmniglotSettings>
{
    /// <summary>File name of the saved classifier in the output folder.</summary>
    public const string ClassifierFileName = "omniglot.siamese";

    private readonly IAnsiConsole _console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public OmniglotCommand(IAnsiConsole console) => _console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, OmniglotSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var clock = Stopwatch.StartNew();
        string output = settings.OutputPath;
        Directory.CreateDirectory(output);

        var data = DatasetLocator.ResolveOrEmbedded(DatasetKind.OmniglotAlphabets, settings.Train, "--train",
            () => EmbeddedDataset.EnsureGlyphs(settings.EmbeddedDataFolder("glyphs"), new GlyphDatasetOptions { Seed = settings.Seed }));
        string? runsFolder = DatasetLocator.Resolve(DatasetKind.OmniglotRuns, settings.Runs, "--runs");
        var plan = TrainingPlan.For(settings, data.IsEmbedded, runsFolder is not null);

        var dataset = ImageFolderDataset.Load(data.Path, new ImageFolderOptions { ClassDepth = 2 });
        var split = AlphabetSplit.Create(dataset, plan.TestAlphabets, plan.ValidationAlphabets, settings.Seed);
        _console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"Data: {(data.IsEmbedded ? "generated glyphs" : "Omniglot")} at {data.Path}: {dataset.ClassCount} characters, {dataset.Images.Count} images.")));
        _console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Train: {split.TrainAlphabets.Count} alphabets, {split.Train.ClassCount} characters; validation: {string.Join(", ", split.ValidationAlphabets)}; "
            + $"test: {(runsFolder is null ? string.Join(", ", split.TestAlphabets) : "Lake runs in " + runsFolder)}."));

        var preprocessing = new ImagePreprocessing
        {
            Width = settings.EffectiveImageSize,
            Height = settings.EffectiveImageSize,
            ResizeMode = ResizeMode.Area,
            Invert = true,
        };
        File.WriteAllText(Path.Combine(output, "preprocessing.json"), preprocessing.ToJson());

        torch.manual_seed(settings.Seed);
        using var network = new SiameseNetwork(CreateEncoder(settings));
        using var loss = CreateLoss(settings);
        IDistance distance = loss is BceHeadLoss head ? new HeadDistance(head) : network.Distance;

        var trainerOptions = new SiameseTrainerOptions
        {
            Epochs = plan.Epochs,
            Optimizer = KnownOptimizers.Adam(plan.LearningRate, weightDecay: 0),
            Callbacks = [new LearningRateScheduler(KnownSchedulers.Cosine(plan.Epochs, plan.LearningRate / 100))],
            Seed = settings.Seed,
            Monitor = split.Validation is null ? MetricKeys.TrainingLoss : MetricKeys.ValidationNWayAccuracy,
            CheckpointDirectory = Path.Combine(output, "checkpoints"),
            LogEverySteps = 5,
        };
        _console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Model: {settings.Encoder} at {preprocessing.Width}x{preprocessing.Height}, {loss.GetName()}; {plan.Epochs} epochs x {plan.StepsPerEpoch} steps, lr {plan.LearningRate} (cosine)."));

        var result = settings.Encoder == EncoderChoice.Koch
            ? TrainPairs(settings, plan, split, preprocessing, network, loss, trainerOptions, cancellationToken)
            : TrainMetric(settings, plan, split, preprocessing, network, loss, trainerOptions, cancellationToken);
        var trainingTime = clock.Elapsed;
        foreach (var epoch in result.History.Where(e => e.Validation is not null))
        {
            _console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch.Epoch + 1,3}: train loss {epoch.TrainingLoss:F4}, validation loss {epoch.Validation!.Loss:F4}, validation accuracy {epoch.Validation.Accuracy:F4}{(epoch.IsBest ? " (best)" : string.Empty)}"));
        }


        _console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Training took {trainingTime:hh\\:mm\\:ss}; best epoch {(result.BestEpoch is int b ? b + 1 : 0)} (validation accuracy {result.BestMetric:F4})."));

        SamplePlots.SaveLossCurve(Path.Combine(output, "loss.png"),
            result.History.Select(e => e.TrainingLoss).ToArray(),
            result.History.All(e => e.Validation is not null) ? result.History.Select(e => e.Validation!.Loss).ToArray() : null,
            "Omniglot: loss per epoch");

        // The rejection threshold ("no match") comes from validation runs only; the test runs never tune anything.
        double? threshold = null;
        if (split.Validation is not null && split.Validation.ClassCount >= 2)
        {
            var validationRuns = HeldOutRuns.Draw(split.Validation, plan.ValidationRuns, Math.Min(settings.Ways, split.Validation.ClassCount), settings.Seed + 1);
            var validation = OneShotEvaluation.Evaluate(network, preprocessing, distance, validationRuns, cancellationToken: cancellationToken);
            threshold = ThresholdCalibration.AtEqualErrorRate(VerificationScores.FromDistances(
                validation.SameDistances.Concat(validation.DifferentDistances).ToArray(),
                validation.SameDistances.Select(_ => true).Concat(validation.DifferentDistances.Select(_ => false)).ToArray())).Threshold;
            _console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Validation: {validationRuns.Count} within-alphabet runs, accuracy {validation.Accuracy:F4}; rejection threshold (EER) {threshold:F4}."));
        }

        var runs = runsFolder is not null
            ? LakeOneShotRuns.Load(runsFolder)
            : HeldOutRuns.Draw(split.Test!, settings.TestRuns, settings.Ways, settings.Seed + 2);
        var evaluation = _console.Status().Start($"Classifying {runs.Count} one-shot runs...", _ =>
            OneShotEvaluation.Evaluate(network, preprocessing, distance, runs, cancellationToken: cancellationToken));
        int ways = runs[0].SupportPaths.Count;
        var estimate = EpisodeEvaluator.Summarize(evaluation.CorrectPerRun.Select((c, i) => (double)c / evaluation.QueriesPerRun[i]).ToArray());
        _console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{ways}-way 1-shot on {runs.Count} {(runsFolder is null ? "held-out" : "Lake")} runs ({evaluation.QueriesPerRun.Sum()} queries): "
            + $"{evaluation.Accuracy:F4} (95% interval over runs {estimate.Lower:F4}-{estimate.Upper:F4})."));
        if (runsFolder is null)
        {
            // Within-alphabet runs differ a lot in difficulty (Braille's dots, Korean's near-identical characters).
            _console.WriteLine("Per test alphabet: " + string.Join(", ", evaluation.Outcomes
                .GroupBy(o => AlphabetOfImage(o.QueryPath), StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {(double)g.Count(o => o.Correct) / g.Count():F3}"))) + ".");
        }

        WriteArtifacts(output, evaluation, threshold, network, preprocessing, distance, runs[0]);
        _console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Outputs in {output}; total time {clock.Elapsed:hh\\:mm\\:ss}."));

        new ResultWriter()
            .Add(string.Create(CultureInfo.InvariantCulture, $"accuracy_{ways}way_1shot"), evaluation.Accuracy)
            .Write(Console.Out, output);
        return 0;
    }

    private TrainingResult TrainMetric(
        OmniglotSettings settings, TrainingPlan plan, AlphabetSplit split, ImagePreprocessing preprocessing,
        SiameseNetwork network, MetricLoss loss, SiameseTrainerOptions options, CancellationToken cancellationToken)
    {
        var store = new ImageStore(preprocessing);
        var images = _console.Status().Start($"Decoding {split.Train.Images.Count} training images...", _ =>
        {
            using var scope = NewDisposeScope();
            var all = new Tensor[split.Train.Images.Count];
            for (int i = 0; i < all.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                all[i] = store.Load(split.Train.Images[i].Path);
            }

            return torch.stack(all).MoveToOuterDisposeScope();
        });
        using var training = new RotatedClassBatchSource(images, split.Train.Images.Select(i => i.ClassId).ToArray(),
            plan.ClassesPerBatch, settings.ImagesPerClass, plan.StepsPerEpoch, settings.Rotations, settings.Seed);
        _console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Batches: {plan.ClassesPerBatch} of {training.ClassCount} classes{(settings.Rotations ? " (characters x 4 rotations)" : string.Empty)} x {settings.ImagesPerClass} images."));
        var trainer = new SiameseTrainer(options);
        return TrainingProgressBar.Run(_console, "Training", plan.Epochs, plan.StepsPerEpoch, bar =>
        {
            var progress = TrainerProgress.For(bar);
            if (split.Validation is null)
            {
                return trainer.Fit(network, loss, training, null, progress, cancellationToken);
            }

            var validation = new EpisodeSource(split.Validation, new ImageStore(preprocessing, cacheInMemory: true), new EpisodeOptions { Ways = Math.Min(settings.Ways, split.Validation.ClassCount), Shots = 1, QueriesPerClass = 1, EpisodesPerEpoch = plan.ValidationRuns, Seed = settings.Seed });
            return trainer.Fit(network, loss, training, validation, progress, cancellationToken);
        });
    }

    private TrainingResult TrainPairs(
        OmniglotSettings settings, TrainingPlan plan, AlphabetSplit split, ImagePreprocessing preprocessing,
        SiameseNetwork network, MetricLoss loss, SiameseTrainerOptions options, CancellationToken cancellationToken)
    {
        // Koch et al.: balanced same/different pairs with their affine distortions, 105x105, BCE on the L1 head.
        const int batchSize = 32;
        var training = new BatchLoader<LabelledBatch>(
            new BalancedPairSource(split.Train, new ImageStore(preprocessing),
                new BatchOptions { BatchSize = batchSize, Seed = settings.Seed, Augmentation = ImageAugmentation.Koch },
                pairsPerEpoch: plan.StepsPerEpoch * batchSize),
            new BatchLoaderOptions { WorkerCount = 1, PrefetchBatches = 4 });
        var validation = split.Validation is null ? null : new BalancedPairSource(split.Validation, new ImageStore(preprocessing, cacheInMemory: true),
            new BatchOptions { BatchSize = 64, Seed = settings.Seed + 1 }, pairsPerEpoch: plan.ValidationRuns * 8);
        var trainer = new SiameseTrainer(options with
        {
            Monitor = validation is null ? MetricKeys.TrainingLoss : MetricKeys.ValidationPairAccuracy,
        });
        return TrainingProgressBar.Run(_console, "Training (Koch pairs)", plan.Epochs, plan.StepsPerEpoch,
            bar => trainer.Fit(network, loss, training, validation, TrainerProgress.For(bar), cancellationToken));
    }

    /// <summary>The alphabet folder of an image laid out as <c>Alphabet/characterNN/file.png</c>.</summary>
    private static string AlphabetOfImage(string path) =>
        Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(path))) ?? string.Empty;

    private static nn.Module<Tensor, Tensor> CreateEncoder(OmniglotSettings settings) => settings.Encoder switch
    {
        EncoderChoice.Koch => new KochNet(),
        _ => new Conv4Encoder(new EncoderOptions { InputHeight = settings.EffectiveImageSize, InputWidth = settings.EffectiveImageSize }),
    };

    private static MetricLoss CreateLoss(OmniglotSettings settings) => settings.Encoder switch
    {
        EncoderChoice.Koch => new BceHeadLoss(embeddingSize: 4096),
        _ when settings.Loss == LossChoice.Triplet => new TripletMarginLoss(settings.Margin, new BatchHardTripletMiner()),
        _ => new PrototypicalLoss(shots: 1),
    };

    private static void WriteArtifacts(string output, OneShotEvaluationResult evaluation, double? threshold,
        SiameseNetwork network, ImagePreprocessing preprocessing, IDistance distance, OneShotRun firstRun)
    {
        var scores = VerificationScores.FromDistances(
            evaluation.SameDistances.Concat(evaluation.DifferentDistances).ToArray(),
            evaluation.SameDistances.Select(_ => true).Concat(evaluation.DifferentDistances.Select(_ => false)).ToArray());
        var roc = scores.Roc();
        var eer = scores.Eer();
        SamplePlots.SaveRocCurve(Path.Combine(output, "roc.png"), roc.FalseAcceptRates, roc.TruePositiveRates, roc.Auc, eer.Rate,
            "Query vs support image of the same / another character (test runs)");
        SamplePlots.SaveDistanceHistograms(Path.Combine(output, "distances.png"), evaluation.SameDistances, evaluation.DifferentDistances,
            threshold, title: "Distances: same vs different character (threshold from validation runs)");

        var grid = evaluation.Outcomes.Where(o => !o.Correct).Take(4).Concat(evaluation.Outcomes.Where(o => o.Correct).Take(8))
            .Select(o => new PairGridEntry(GrayImage.Load(o.QueryPath), GrayImage.Load(o.PredictedPath), o.Distance,
                PredictedSame: threshold is not double t || o.Distance <= t, ActuallySame: o.Correct, Caption: o.Run))
            .ToArray();
        PairGridWriter.Write(Path.Combine(output, "pairs.png"), grid);

        // The saved classifier knows the first run's characters and rejects queries beyond the validation threshold.
        using var classifier = OneShotEvaluation.CreateClassifier(network, preprocessing, distance, firstRun);
        classifier.Threshold = threshold;
        // Koch's BCE head is a learned distance with no ONNX vector metric: that classifier is saved for TorchSharp only.
        ClassifierFiles.Save(classifier, Path.Combine(output, ClassifierFileName));
    }
}
