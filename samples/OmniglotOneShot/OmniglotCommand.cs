using System.Diagnostics;
using System.Globalization;
using Siamese.Net;
using Siamese.Net.Data;
using Siamese.Net.Datasets;
using Siamese.Net.Distances;
using Siamese.Net.Embedding;
using Siamese.Net.Encoders;
using Siamese.Net.Evaluation;
using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using Siamese.Net.Losses;
using Siamese.Net.Miners;
using Siamese.Net.Samples.Common.Baselines;
using Siamese.Net.Samples.Common.Data;
using Siamese.Net.Samples.Common.Imaging;
using Siamese.Net.Samples.Common.Plots;
using Siamese.Net.Samples.Common.Progress;
using Siamese.Net.Samples.Common.Results;
using Siamese.Net.Samples.Common.Synthetic;
using Siamese.Net.Training;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;
using static TorchSharp.torch;

namespace OmniglotOneShot;

/// <summary>
/// Trains on the background alphabets, then classifies characters never trained on from one example each: Lake's
/// runs when given (scored per run as Lake's scorer does), else within-alphabet runs of held-out alphabets, plus random
/// N-way episodes, each beside a raw-pixel 1-NN baseline on the same runs.
/// </summary>
public sealed class OmniglotCommand(IAnsiConsole console) : Command<OmniglotSettings>
{
    public const string ClassifierFileName = "omniglot.siamese";

    public override int Execute(CommandContext context, OmniglotSettings s, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string output = Directory.CreateDirectory(s.OutputPath).FullName;
        var data = DatasetLocator.ResolveOrEmbedded(DatasetKind.OmniglotAlphabets, s.Train, "--train",
            () => EmbeddedDataset.EnsureGlyphs(s.EmbeddedDataFolder("glyphs"), new GlyphDatasetOptions { Seed = s.Seed }));
        string? runsFolder = DatasetLocator.Resolve(DatasetKind.OmniglotRuns, s.Runs, "--runs");
        bool embedded = data.IsEmbedded, koch = s.Encoder == EncoderChoice.Koch;
        int epochs = s.EpochsOr(embedded ? 6 : koch ? 20 : 30), steps = s.StepsPerEpoch ?? (embedded ? 20 : 250);
        double lr = s.LearningRate ?? (koch ? 6e-5 : 1e-3);

        // Whole alphabets are the test (unless Lake's runs are); validation is 1 in 10 characters (at least one) of every
        // training alphabet, or whole alphabets with --validation-alphabets, so every remaining alphabet is trained on.
        var all = ImageFolderDataset.Load(data.Path, new ImageFolderOptions { ClassDepth = 2 });
        var alphabets = all.ClassNames.Select(OneShotRuns.AlphabetOf).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        SeedStreams.Random(s.Seed, 0xA1FA).Shuffle(alphabets);
        int testCount = runsFolder is null ? s.TestAlphabets ?? (embedded ? 2 : 5) : 0, validationCount = s.ValidationAlphabets ?? 0;
        _ = alphabets.Length > testCount + validationCount ? 0 : throw new ArgumentException($"{data.Path} has {alphabets.Length} alphabets; holding out {testCount + validationCount} leaves none to train on.");
        var testAlphabets = alphabets[..testCount].ToHashSet(StringComparer.Ordinal);
        var validationAlphabets = alphabets[testCount..(testCount + validationCount)].ToHashSet(StringComparer.Ordinal);
        var heldCharacters = all.ClassNames.GroupBy(OneShotRuns.AlphabetOf, StringComparer.Ordinal).Select(g => g.ToArray()).SelectMany((names, a) => SeedStreams.Permutation(names.Length,
            SeedStreams.Random(s.Seed, 0x7A11, a)).Take(validationCount == 0 ? Math.Max(1, (names.Length + 5) / 10) : 0).Select(i => names[i])).ToHashSet(StringComparer.Ordinal);
        bool IsValidation(string name) => validationAlphabets.Contains(OneShotRuns.AlphabetOf(name)) || heldCharacters.Contains(name);
        var train = OneShotRuns.Subset(all, n => !testAlphabets.Contains(OneShotRuns.AlphabetOf(n)) && !IsValidation(n));
        var validation = OneShotRuns.Subset(all, n => !testAlphabets.Contains(OneShotRuns.AlphabetOf(n)) && IsValidation(n));
        var test = testCount > 0 ? OneShotRuns.Subset(all, n => testAlphabets.Contains(OneShotRuns.AlphabetOf(n))) : null;
        Say($"Data: {(embedded ? "generated glyphs" : "Omniglot")} at {data.Path}: {all.ClassCount} characters of {alphabets.Length} alphabets, {all.Images.Count} images.");
        Say($"Train: {train.ClassCount} characters of {alphabets.Length - testCount - validationCount} alphabets; validation: {validation.ClassCount} characters "
            + $"({(validationCount == 0 ? "1 in 10 characters of each training alphabet" : string.Join(", ", validationAlphabets.Order(StringComparer.Ordinal)))}); "
            + $"test: {(test is null ? "Lake runs in " + runsFolder : string.Join(", ", testAlphabets.Order(StringComparer.Ordinal)))}.");

        int side = s.EffectiveImageSize;
        var preprocessing = new ImagePreprocessing { Width = side, Height = side, ResizeMode = ResizeMode.Area, Invert = true };
        File.WriteAllText(Path.Combine(output, "preprocessing.json"), preprocessing.ToJson());
        var store = new ImageStore(preprocessing, cacheInMemory: true);
        torch.manual_seed(s.Seed);
        int rotations = s.Rotations ? 4 : 1;
        using var loss = CreateLoss(s, classes: train.ClassCount * rotations, embeddingSize: 64 * (side / 16) * (side / 16));
        using var network = new SiameseNetwork(koch ? new KochNet(new EncoderOptions { Seed = s.Seed }) : new Conv4Encoder(new EncoderOptions { InputHeight = side, InputWidth = side, Seed = s.Seed }), loss.Distance);
        var options = new SiameseTrainerOptions
        {
            Epochs = epochs, Optimizer = KnownOptimizers.Adam(lr, weightDecay: 0), Callbacks = [new LearningRateScheduler(KnownSchedulers.Cosine(epochs, lr / 100))], Seed = s.Seed,
            Monitor = koch ? MetricKeys.ValidationPairAccuracy : MetricKeys.ValidationNWayAccuracy, CheckpointDirectory = Path.Combine(output, "checkpoints"), LogEverySteps = 5, Precision = s.TrainingPrecision,
        };
        Say($"Model: {s.Encoder} at {side}x{side}, {loss.GetName()}; {epochs} epochs x {steps} steps, lr {lr} (cosine), precision {options.Precision}.");
        var result = koch ? TrainPairs(s, steps, train, validation, store, network, loss, options, cancellationToken) : TrainBatches(s, steps, rotations, train, validation, store, network, loss, options, cancellationToken);
        Say($"Training took {clock.Elapsed:hh\\:mm\\:ss}; best epoch {(result.BestEpoch is int b ? b + 1 : 0)} (validation accuracy {result.BestMetric:F4}).");
        SamplePlots.SaveLossCurve(Path.Combine(output, "loss.png"), result.History.Select(e => e.TrainingLoss).ToArray(),
            result.History.All(e => e.Validation is not null) ? result.History.Select(e => e.Validation!.Loss).ToArray() : null, "Omniglot: loss per epoch");

        // Everything chosen after training (test-time augmentation or not, the rejection threshold) is chosen on
        // validation runs only; the test runs never tune anything.
        var model = koch ? (nn.Module<Tensor, Tensor>)network.Encoder : network;
        // Test-time augmentation: the mean embedding of the image and its four one-pixel shifts.
        var (plainEmbedder, shiftedEmbedder) = (new Embedder(model, preprocessing, distance: loss.Distance),
            new Embedder(model, preprocessing, new EmbedderOptions { TestTimeAugmentation = TestTimeAugmentation.Shifts(1) }, loss.Distance));
        var validationRuns = OneShotRuns.Draw(validation, Math.Min(embedded ? 30 : 200, s.TestRuns), s.Ways, withinAlphabet: false, s.Seed + 1);
        var plain = OneShotRuns.Score(validationRuns, p => Embed(plainEmbedder, store, p), loss.Distance);
        var shifted = OneShotRuns.Score(validationRuns, p => Embed(shiftedEmbedder, store, p), loss.Distance);
        var (tta, chosen) = shifted.Accuracy > plain.Accuracy ? (true, shifted) : (false, plain);
        var embedder = tta ? shiftedEmbedder : plainEmbedder;
        double threshold = ThresholdCalibration.AtEqualErrorRate(VerificationScores.FromDistances(
            chosen.Same.Concat(chosen.Different).ToArray(), chosen.Same.Select(_ => true).Concat(chosen.Different.Select(_ => false)).ToArray())).Threshold;
        Say($"Validation: {validationRuns.Count} random {validationRuns[0].SupportPaths.Count}-way runs of held-out characters: {plain.Accuracy:F4}, "
            + $"with shift test-time augmentation {shifted.Accuracy:F4} -> {(tta ? "augmentation on" : "augmentation off")}; rejection threshold (EER) {threshold:F4}.");

        var runs = runsFolder is not null ? LakeOneShotRuns.Load(runsFolder) : OneShotRuns.Draw(test!, s.TestRuns, s.Ways, withinAlphabet: true, s.Seed + 2);
        var random = runsFolder is not null ? OneShotRuns.Mix(runs, 400, runs[0].SupportPaths.Count, s.Seed + 3) : OneShotRuns.Draw(test!, s.TestRuns, s.Ways, withinAlphabet: false, s.Seed + 3);
        var scores = OneShotRuns.Score(runs, p => Embed(embedder, store, p), loss.Distance);
        var randomScores = OneShotRuns.Score(random, p => Embed(embedder, store, p), loss.Distance);
        var (pixels, randomPixels) = (OneShotRuns.Score(runs, p => RawPixels.Of(store, p), new EuclideanDistance()), OneShotRuns.Score(random, p => RawPixels.Of(store, p), new EuclideanDistance()));
        int ways = runs[0].SupportPaths.Count;
        if (runs.Count <= 40)
        {
            // Lake's scorer: the error of each run (percent of its queries misclassified), then their mean.
            Say($"{string.Join(Environment.NewLine, scores.AccuracyPerRun.Select((a, r) => string.Create(CultureInfo.InvariantCulture, $" {runs[r].Name}: error {100 * (1 - a):F1}% (raw pixels {100 * (1 - pixels.AccuracyPerRun[r]):F1}%)")))}");
        }

        var interval = EpisodeEvaluator.Summarize(scores.AccuracyPerRun);
        Say($"{ways}-way 1-shot on {runs.Count} {(runsFolder is null ? "within-alphabet held-out" : "Lake")} runs ({scores.Outcomes.Count} queries): mean error {100 * (1 - scores.Accuracy):F2}%, accuracy {scores.Accuracy:F4} "
            + $"(95% interval over runs {interval.Lower:F4}-{interval.Upper:F4}); raw-pixel 1-NN {pixels.Accuracy:F4}.");
        Say($"{ways}-way 1-shot on {random.Count} random episodes of the same held-out characters: {randomScores.Accuracy:F4}; raw-pixel 1-NN {randomPixels.Accuracy:F4}.");
        if (runsFolder is null)
        {
            Say($"Per test alphabet: {string.Join(", ", scores.Outcomes.GroupBy(o => Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(o.Query))), StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {(double)g.Count(o => o.Correct) / g.Count():F3}")))}."); 
        }

        WriteArtifacts(output, scores, threshold, embedder, runs[0]);
        Say($"Outputs in {output}; total time {clock.Elapsed:hh\\:mm\\:ss}.");
        new ResultWriter()
            .Add($"baseline_raw_pixel_accuracy_{ways}way_1shot_random", randomPixels.Accuracy).Add($"accuracy_{ways}way_1shot_random", randomScores.Accuracy)
            .Add($"baseline_raw_pixel_accuracy_{ways}way_1shot", pixels.Accuracy).Add($"error_{ways}way_1shot", 1 - scores.Accuracy).Add($"accuracy_{ways}way_1shot", scores.Accuracy)
            .Write(Console.Out, output);
        return 0;
    }

    // SampleHost runs the command under the invariant culture, so interpolated numbers print as 0.1234 everywhere.
    private void Say(string line) => console.WriteLine(line);

    private static MetricLoss CreateLoss(OmniglotSettings s, int classes, int embeddingSize) => s.Encoder == EncoderChoice.Koch
        ? new BceHeadLoss(embeddingSize: 4096)
        : s.Loss switch
        {
            LossChoice.Triplet => new TripletMarginLoss(s.Margin, new BatchHardTripletMiner()),
            LossChoice.SupCon => new SupervisedContrastiveLoss(temperature: 0.1),
            LossChoice.MultiSimilarity => new MultiSimilarityLoss(),
            LossChoice.ProxyAnchor => new ProxyAnchorLoss(classes, embeddingSize),
            _ => new PrototypicalLoss(shots: 1),
        };

    private TrainingResult TrainBatches(OmniglotSettings s, int steps, int rotations, ImageFolderDataset train, ImageFolderDataset validation, ImageStore store,
        SiameseNetwork network, MetricLoss loss, SiameseTrainerOptions options, CancellationToken cancellationToken)
    {
        // Decoded once: at 28x28 the background set is 60 MB, and a step then costs only the network.
        var images = torch.stack(train.Images.Select(i => store.Load(i.Path)).ToArray());
        using var dataset = new TensorDataset(images, train.Images.Select(i => i.ClassId).ToArray());
        var source = new RotatedClassBatchSource(dataset, new RotatedClassBatchSourceOptions
        {
            ClassesPerBatch = s.ClassesPerBatch ?? (train.ClassCount < 200 ? 24 : 60), ImagesPerClass = s.ImagesPerClass,
            BatchesPerEpoch = steps, Rotations = rotations, MaxShift = s.Shift, Seed = s.Seed,
        });
        Say($"Batches: {source.Options.ClassesPerBatch} of {source.ClassCount} classes (characters x {rotations} rotations) x {s.ImagesPerClass} images.");
        var episodes = new EpisodeSource(validation, store, new EpisodeOptions { Ways = Math.Min(s.Ways, validation.ClassCount), Shots = 1, QueriesPerClass = 1, EpisodesPerEpoch = Math.Min(100, s.TestRuns), Seed = s.Seed });
        return TrainingProgressBar.Run(console, "Training", options.Epochs, steps,
            bar => new SiameseTrainer(options).Fit(network, loss, source, episodes, TrainerProgress.For(bar), cancellationToken));
    }

    private TrainingResult TrainPairs(OmniglotSettings s, int steps, ImageFolderDataset train, ImageFolderDataset validation, ImageStore store,
        SiameseNetwork network, MetricLoss loss, SiameseTrainerOptions options, CancellationToken cancellationToken)
    {
        // Koch et al.: balanced same/different pairs with their affine distortions, batches of 32.
        var training = new BatchLoader<LabelledBatch>(
            new BalancedPairSource(train, new ImageStore(store.Preprocessing), new BatchOptions { BatchSize = 32, Seed = s.Seed, Augmentation = ImageAugmentation.Koch }, pairsPerEpoch: steps * 32),
            new BatchLoaderOptions { WorkerCount = 1, PrefetchBatches = 4 });
        var pairs = new BalancedPairSource(validation, store, new BatchOptions { BatchSize = 64, Seed = s.Seed + 1 }, pairsPerEpoch: 512);
        return TrainingProgressBar.Run(console, "Training (Koch pairs)", options.Epochs, steps,
            bar => new SiameseTrainer(options).Fit(network, loss, training, pairs, TrainerProgress.For(bar), cancellationToken));
    }

    /// <summary>Embeddings of files through the training preprocessing (cached by the store) and the embedder's test-time augmentation.</summary>
    private static Tensor Embed(Embedder embedder, ImageStore store, IReadOnlyList<string> paths)
    {
        using var images = torch.stack(paths.Select(store.Load).ToArray());
        return embedder.EmbedPreprocessed(images);
    }

    private static void WriteArtifacts(string output, RunScores scores, double threshold, Embedder embedder, OneShotRun firstRun)
    {
        var verification = VerificationScores.FromDistances(scores.Same.Concat(scores.Different).ToArray(), scores.Same.Select(_ => true).Concat(scores.Different.Select(_ => false)).ToArray());
        var roc = verification.Roc();
        SamplePlots.SaveRocCurve(Path.Combine(output, "roc.png"), roc.FalseAcceptRates, roc.TruePositiveRates, roc.Auc, verification.Eer().Rate, "Query vs support of the same / another character (test runs)");
        SamplePlots.SaveDistanceHistograms(Path.Combine(output, "distances.png"), scores.Same, scores.Different, threshold, title: "Distances: same vs different character (threshold from validation)");
        var grid = scores.Outcomes.Where(o => !o.Correct).Take(4).Concat(scores.Outcomes.Where(o => o.Correct).Take(8))
            .Select(o => new PairGridEntry(GrayImage.Load(o.Query), GrayImage.Load(o.Chosen), o.Distance, PredictedSame: o.Distance <= threshold, ActuallySame: o.Correct, Caption: o.Run)).ToArray();
        PairGridWriter.Write(Path.Combine(output, "pairs.png"), grid);

        // The saved classifier knows the first run's characters, embeds with the chosen test-time augmentation and
        // rejects queries beyond the validation threshold.
        using var classifier = new OneShotClassifier(embedder.Network, embedder.Preprocessing!, new OneShotClassifierOptions
        {
            Distance = embedder.Network is SiameseNetwork ? null : embedder.Distance, TopK = 3, TestTimeAugmentation = embedder.Options.TestTimeAugmentation,
        }) { Threshold = threshold };
        firstRun.SupportPaths.Select((path, i) => (path, i)).ToList().ForEach(x => classifier.AddClass(string.Create(CultureInfo.InvariantCulture, $"class{x.i}"), [x.path]));
        ClassifierFiles.Save(classifier, Path.Combine(output, ClassifierFileName));
    }
}
