using System.Diagnostics;
using System.Globalization;
using Siamese.Net;
using Siamese.Net.Data;
using Siamese.Net.Encoders;
using Siamese.Net.Evaluation;
using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using Siamese.Net.Losses;
using Siamese.Net.Miners;
using Siamese.Net.Samples.Common.Cli;
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

namespace FaceSimilarity;

/// <summary>
/// Trains FaceSimilarityNet with the contrastive loss on random same/different pairs of the training subjects, keeps
/// the epoch with the best ROC AUC on held-out validation subjects, calibrates the decision threshold on those
/// validation subjects, and evaluates on test subjects never used before: verification over all their pairs (AUC,
/// EER, accuracy at the validation threshold) and N-way 1-shot identification through a <see cref="OneShotClassifier"/>.
/// </summary>
public sealed class FaceSimilarityCommand : Command<FaceSimilaritySettings>
{
    /// <summary>File name of the saved classifier in the output folder.</summary>
    public const string ClassifierFileName = "face-similarity.siamese";

    /// <summary>File name of the tutorial-style picture of test pairs.</summary>
    public const string PairGridFileName = "pairs.png";

    private readonly IAnsiConsole _console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public FaceSimilarityCommand(IAnsiConsole console) => _console = console;

    /// <summary>
    /// The augmentation of training images (off with <c>--no-augment</c>): small head rotations and tilts, a little
    /// zoom and shift, and a mirror image, which is the same person. Pixels moved into view take the value of the
    /// dark background.
    /// </summary>
    public static ImageAugmentation FaceAugmentation { get; } = new()
    {
        RotationDegrees = 10,
        Shear = 0.05,
        ScaleMin = 0.9,
        ScaleMax = 1.1,
        TranslationPixels = 4,
        ComponentProbability = 0.5,
        HorizontalFlipProbability = 0.5,
    };

    /// <inheritdoc />
    public override int Execute(CommandContext context, FaceSimilaritySettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var total = Stopwatch.StartNew();
        string output = settings.OutputPath;
        Directory.CreateDirectory(output);

        var data = DatasetLocator.ResolveOrEmbedded(DatasetKind.AttFaces, settings.Data, "--data", () =>
            EmbeddedDataset.EnsureFaces(settings.EmbeddedDataFolder("faces"), new FaceDatasetOptions { Seed = settings.Seed }));
        var recipe = FaceRecipe.From(settings, data.IsEmbedded);

        var faces = ImageFolderDataset.Load(data.Path, new ImageFolderOptions { Extensions = [".pgm", ".png", ".jpg", ".jpeg", ".bmp"] });
        var split = FaceSplit.Create(faces, settings.SplitKind, settings.ValidationSubjects);
        _console.MarkupLine(data.IsEmbedded
            ? $"[bold]Data:[/] generated faces in the AT&T layout at {Markup.Escape(data.Path)} (pass [blue]--data <att_faces>[/] for the real set)"
            : $"[bold]Data:[/] {Markup.Escape(data.Path)}");
        _console.MarkupLine($"[bold]Subjects:[/] train {Markup.Escape(FaceSplit.Describe(split.Train))}, validation {Markup.Escape(FaceSplit.Describe(split.Validation))}, " +
                            $"test (unseen) {Markup.Escape(FaceSplit.Describe(split.Test))}");

        var preprocessing = Preprocessing(recipe);
        var images = new ImageStore(preprocessing, cacheInMemory: true);
        var augmentation = settings.NoAugment ? null : FaceAugmentation;

        torch.manual_seed(settings.Seed);
        using var network = new SiameseNetwork(CreateEncoder(recipe));
        var trainer = new SiameseTrainer(new SiameseTrainerOptions
        {
            Epochs = recipe.Epochs,
            Optimizer = KnownOptimizers.Adam(recipe.LearningRate, recipe.WeightDecay),
            Scheduler = recipe.Cosine ? KnownSchedulers.Cosine(recipe.Epochs, recipe.LearningRate / 100) : null,
            Seed = settings.Seed,
            // Pairs: the validation ROC AUC. Episodes: their loss, since the few-way validation accuracy saturates at 1.
            Monitor = recipe.Loss == LossChoice.Contrastive ? MetricKeys.ValidationRocAuc : MetricKeys.ValidationLoss,
            KeepBest = true,
            LogEverySteps = 5,
            Precision = settings.Precision == "mixed" ? TrainingPrecision.MixedBFloat16 : TrainingPrecision.Float32,
        }, new ConsoleTrainerLogger(_console));

        _console.MarkupLine($"[bold]Training:[/] {Markup.Escape(recipe.Describe())}, augmentation {(augmentation is null ? "off" : "on")}");

        var trainClock = Stopwatch.StartNew();
        TrainingResult result;
        if (recipe.Loss == LossChoice.Contrastive)
        {
            var training = new BalancedPairSource(
                split.Train, images, new BatchOptions { BatchSize = recipe.BatchSize, Seed = settings.Seed, Augmentation = augmentation }, recipe.PairsPerEpoch);
            var validationPairs = BalancedValidationPairs(split.Validation, settings.Seed);
            var validation = new PairListSource(validationPairs, images, new BatchOptions { BatchSize = 256, Seed = settings.Seed }, shuffle: false);
            _console.MarkupLine($"[bold]Validation:[/] {validationPairs.Count} pairs of the validation subjects (best epoch: highest ROC AUC)");
            using var loss = new ContrastiveLoss(margin: recipe.Margin);
            result = TrainingProgressBar.Run(_console, "Training", recipe.Epochs, training.BatchesPerEpoch,
                bar => trainer.Fit(network, loss, training, validation, TrainerProgress.For(bar), cancellationToken));
        }
        else
        {
            int subjects = Math.Min(recipe.SubjectsPerBatch, split.Train.ClassCount);
            var training = new MPerClassBatchSource(split.Train, images, subjects, recipe.ImagesPerSubject, settings.Seed, augmentation, recipe.BatchesPerEpoch);
            var validation = ValidationEpisodes(split.Validation, images, settings.Seed);
            _console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"[bold]Validation:[/] {validation.BatchesPerEpoch} {split.Validation.ClassCount}-way 1-shot episodes of the validation subjects (best epoch: lowest loss)"));
            using MetricLoss loss = recipe.Loss == LossChoice.Triplet
                ? new TripletMarginLoss(recipe.Margin, new BatchHardTripletMiner())
                : new PrototypicalLoss(shots: 1);
            result = TrainingProgressBar.Run(_console, "Training", recipe.Epochs, training.BatchesPerEpoch,
                bar => trainer.Fit(network, loss, training, validation, TrainerProgress.For(bar), cancellationToken));
        }

        trainClock.Stop();
        ReportHistory(result, trainClock.Elapsed, recipe.Loss == LossChoice.Contrastive);

        // Everything below goes through the classifier a user would load: its preprocessing and encoder.
        using var classifier = new OneShotClassifier(network, preprocessing, new OneShotClassifierOptions { TopK = 3 });
        using var validationEmbeddings = FaceEvaluation.Embed(classifier.Embedder, split.Validation, cancellationToken);
        var validationScores = FaceEvaluation.AllPairs(validationEmbeddings, split.Validation, classifier.Distance).Scores();
        var calibrated = ThresholdCalibration.AtEqualErrorRate(validationScores);

        using var testEmbeddings = FaceEvaluation.Embed(classifier.Embedder, split.Test, cancellationToken);
        var testPairs = FaceEvaluation.AllPairs(testEmbeddings, split.Test, classifier.Distance);
        var testScores = testPairs.Scores();
        var roc = testScores.Roc();
        var eer = testScores.Eer();
        var atThreshold = testScores.At(calibrated.Threshold);
        var oneShot = FaceEvaluation.OneShotAccuracy(classifier, testEmbeddings, split.Test, settings.Episodes, settings.Seed, out var perSubject, cancellationToken);
        var validationOneShot = FaceEvaluation.OneShotAccuracy(classifier, validationEmbeddings, split.Validation, settings.Episodes, settings.Seed, out _, cancellationToken);
        var crossCheck = EpisodeCrossCheck(network, split.Test, images, settings.Seed, cancellationToken);

        int ways = split.Test.ClassCount;
        var table = new Table().Title("Unseen test subjects").AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("pairs (same / different)", $"{testScores.SameCount} / {testScores.DifferentCount}");
        table.AddRow("ROC AUC", F(roc.Auc, "0.0000"));
        table.AddRow("EER", Percent(eer.Rate));
        table.AddRow($"threshold (EER on validation subjects)", F(calibrated.Threshold, "0.000"));
        table.AddRow("  FAR / FRR at that threshold", $"{Percent(atThreshold.FalseAcceptRate)} / {Percent(atThreshold.FalseRejectRate)}");
        table.AddRow("  balanced accuracy at that threshold", Percent(1 - ((atThreshold.FalseAcceptRate + atThreshold.FalseRejectRate) / 2)));
        table.AddRow($"{ways}-way 1-shot (OneShotClassifier, {oneShot.SampleCount} episodes)", $"{Percent(oneShot.Mean)} ± {Percent(oneShot.HalfWidth)}");
        table.AddRow($"{ways}-way 1-shot (EpisodeEvaluator cross-check, {crossCheck.SampleCount} episodes)", $"{Percent(crossCheck.Mean)} ± {Percent(crossCheck.HalfWidth)}");
        table.AddRow("  per subject (queries right)", string.Join(", ", split.Test.ClassNames.Select((name, c) => $"{name} {F(100 * perSubject[c], "0")}")));
        table.AddRow($"for comparison: validation subjects, {split.Validation.ClassCount}-way 1-shot", $"{Percent(validationOneShot.Mean)} ± {Percent(validationOneShot.HalfWidth)}");
        _console.Write(table);

        SaveFigures(output, result, roc, eer, testPairs, calibrated.Threshold, split.Test, images);
        string saved = SaveClassifier(classifier, split.Test, calibrated, output, cancellationToken);
        _console.MarkupLine($"[bold]Saved[/] {Markup.Escape(saved)} (encoder, preprocessing, one support image per test subject, threshold {F(calibrated.Threshold, "0.000")})");
        _console.MarkupLine($"[bold]Figures:[/] loss.png, roc.png, distances.png, {PairGridFileName} in {Markup.Escape(output)}");
        _console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[bold]Total time:[/] {total.Elapsed.TotalSeconds:0} s (training {trainClock.Elapsed.TotalSeconds:0} s)"));

        var results = new ResultWriter()
            .Add("eer", eer.Rate)
            .Add("auc", roc.Auc)
            .Add(ways == 10 ? "accuracy_10way_1shot" : $"accuracy_{ways}way_1shot", oneShot.Mean);
        var lines = new StringWriter(CultureInfo.InvariantCulture);
        results.Write(lines, output);
        foreach (string line in lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            _console.Profile.Out.Writer.Write(line + "\n");
        }

        _console.Profile.Out.Writer.Flush();
        return ExitCodes.Success;
    }

    /// <summary>Every pair of distinct images of the given subjects, labelled same or different.</summary>
    public static IReadOnlyList<ImagePair> AllPairs(ImageFolderDataset subjects)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        var pairs = new List<ImagePair>();
        var all = subjects.Images;
        for (int i = 0; i < all.Count; i++)
        {
            for (int j = i + 1; j < all.Count; j++)
            {
                pairs.Add(new ImagePair(all[i].Path, all[j].Path, all[i].ClassId == all[j].ClassId ? PairLabel.Same : PairLabel.Different));
            }
        }

        return pairs;
    }

    /// <summary>
    /// Every same pair of the validation subjects and as many different pairs drawn at random: balanced, so the
    /// per-epoch AUC and EER weigh both kinds alike, and small enough that validating costs a fraction of an epoch.
    /// </summary>
    public static IReadOnlyList<ImagePair> BalancedValidationPairs(ImageFolderDataset subjects, int seed)
    {
        var all = AllPairs(subjects);
        var same = all.Where(p => p.Label == PairLabel.Same).ToList();
        var random = new Random(seed);
        var different = all.Where(p => p.Label == PairLabel.Different).OrderBy(_ => random.Next()).Take(same.Count);
        return same.Concat(different).ToArray();
    }

    /// <summary>
    /// The input pipeline of a recipe. The tutorial's (FaceSimilarityNet): grey, resized, ToTensor only. Conv4: the
    /// same, then standardised with the AT&amp;T pixel mean and spread so the first layer sees zero-centred inputs.
    /// BackgroundValue is the dark backdrop of the AT&amp;T photographs: what augmentation shifts into view.
    /// </summary>
    public static ImagePreprocessing Preprocessing(FaceRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var plain = new ImagePreprocessing { Width = recipe.Width, Height = recipe.Height, BackgroundValue = 0.3f };
        return recipe.Encoder == EncoderChoice.FaceNet ? plain : plain with { Mean = [0.45f], Std = [0.2f] };
    }

    /// <summary>The recipe's encoder, initialised from the current torch seed.</summary>
    public static ImageEncoder CreateEncoder(FaceRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var options = new EncoderOptions
        {
            InputHeight = recipe.Height,
            InputWidth = recipe.Width,
            EmbeddingSize = recipe.EmbeddingSize == 0 ? null : recipe.EmbeddingSize,
            NormalizeEmbeddings = recipe.Loss == LossChoice.Triplet,
        };
        return recipe.Encoder switch
        {
            EncoderChoice.FaceNet => new FaceSimilarityNet(options),
            EncoderChoice.SmallCnn => new SmallCnn(options),
            _ => new Conv4Encoder(options),
        };
    }

    /// <summary>
    /// Fixed N-way 1-shot episodes of the validation subjects (every subject, 1 support and every other image as
    /// queries): what picks the best epoch of the episodic losses.
    /// </summary>
    public static EpisodeSource ValidationEpisodes(ImageFolderDataset subjects, ImageStore images, int seed)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        int queries = Enumerable.Range(0, subjects.ClassCount).Select(c => subjects.ImagesOfClass(c).Count).Min() - 1;
        return new EpisodeSource(subjects, images, ways: subjects.ClassCount, shots: 1, queriesPerClass: queries, episodesPerEpoch: 40, seed: seed + 2);
    }

    private static AccuracyEstimate EpisodeCrossCheck(SiameseNetwork network, ImageFolderDataset test, ImageStore images, int seed, CancellationToken cancellationToken)
    {
        int queries = test.ClassNames.Select((_, c) => test.ImagesOfClass(c).Count).Min() - 1;
        var episodes = new EpisodeSource(test, images, ways: test.ClassCount, shots: 1, queriesPerClass: queries, episodesPerEpoch: 100, seed: seed + 1);
        return EpisodeEvaluator.Evaluate(network, episodes.ReadEpoch(0, cancellationToken), network.Distance, cancellationToken: cancellationToken);
    }

    private void ReportHistory(TrainingResult result, TimeSpan elapsed, bool pairs)
    {
        var table = new Table().Title("Validation subjects per epoch").AddColumn("epoch").AddColumn("train loss").AddColumn("val loss")
            .AddColumn(pairs ? "val AUC" : "val 1-shot").AddColumn(pairs ? "val EER" : "lr");
        foreach (var record in result.History)
        {
            var v = record.Validation;
            string mark = record.Epoch == result.BestEpoch ? " *" : string.Empty;
            table.AddRow(
                (record.Epoch + 1).ToString(CultureInfo.InvariantCulture) + mark,
                F(record.TrainingLoss, "0.0000"),
                v is null ? "-" : F(v.Loss, "0.0000"),
                pairs ? (v?.RocAuc is double auc ? F(auc, "0.0000") : "-") : (v?.Accuracy is double a ? Percent(a) : "-"),
                pairs ? (v?.Eer is double e ? Percent(e) : "-") : F(record.LearningRate, "0.00000"));
        }

        _console.Write(table);
        _console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]Trained[/] in {elapsed.TotalSeconds:0} s; kept epoch {(result.BestEpoch ?? 0) + 1} (best validation {(pairs ? "AUC" : "loss")} {result.BestMetric ?? double.NaN:0.0000}, marked *)"));
    }

    private static void SaveFigures(string output, TrainingResult result, RocCurve roc, EqualErrorRate eer, FacePairs pairs, double threshold, ImageFolderDataset test, ImageStore images)
    {
        SamplePlots.SaveLossCurve(Path.Combine(output, "loss.png"),
            result.History.Select(r => r.TrainingLoss).ToArray(),
            result.History.Select(r => r.Validation?.Loss ?? double.NaN).ToArray(),
            "Training loss per epoch (validation: held-out subjects)");
        SamplePlots.SaveRocCurve(Path.Combine(output, "roc.png"), roc.FalseAcceptRates, roc.TruePositiveRates, roc.Auc, eer.Rate,
            "ROC on unseen subjects (all pairs)");
        SamplePlots.SaveDistanceHistograms(Path.Combine(output, "distances.png"),
            pairs.Distances.Where((_, i) => pairs.IsSame[i]).ToArray(),
            pairs.Distances.Where((_, i) => !pairs.IsSame[i]).ToArray(),
            threshold,
            title: "Dissimilarity of unseen-subject pairs (line: threshold from validation subjects)");

        // The tutorial's picture: example test pairs with their dissimilarity, half same and half different.
        var random = new Random(17);
        var same = Enumerable.Range(0, pairs.Distances.Length).Where(i => pairs.IsSame[i]).OrderBy(_ => random.Next()).Take(5);
        var different = Enumerable.Range(0, pairs.Distances.Length).Where(i => !pairs.IsSame[i]).OrderBy(_ => random.Next()).Take(5);
        var entries = same.Zip(different, (s, d) => new[] { s, d }).SelectMany(x => x).Select(i =>
        {
            var a = test.Images[pairs.First[i]];
            var b = test.Images[pairs.Second[i]];
            return new PairGridEntry(ToGray(images, a.Path), ToGray(images, b.Path), pairs.Distances[i], pairs.Distances[i] <= threshold, pairs.IsSame[i],
                $"{Relative(test, a.Path)} vs {Relative(test, b.Path)}");
        }).ToArray();
        PairGridWriter.Write(Path.Combine(output, PairGridFileName), entries, new PairGridOptions
        {
            DistanceLabel = "dissimilarity",
            ImageHeight = 100,
            Columns = 2,
            Title = "Unseen subjects (threshold from validation)",
        });
    }

    private static string SaveClassifier(OneShotClassifier classifier, ImageFolderDataset test, ThresholdMetrics calibrated, string output, CancellationToken cancellationToken)
    {
        // A ready-to-use gallery: the first image of each test subject, and the threshold from validation subjects
        // so that a face of nobody in the gallery is answered "No match found".
        classifier.AddClasses(test, shotsPerClass: 1, cancellationToken);
        if (!double.IsNegativeInfinity(calibrated.Threshold))
        {
            classifier.UseThreshold(calibrated);
        }

        string path = Path.Combine(output, ClassifierFileName);
        ClassifierFiles.Save(classifier, path);
        return path;
    }

    private static GrayImage ToGray(ImageStore images, string path)
    {
        using var scope = NewDisposeScope();
        var tensor = images.Load(path);
        var pixels = tensor.clamp(0, 1).contiguous().data<float>().ToArray();
        return new GrayImage(pixels, (int)tensor.shape[2], (int)tensor.shape[1]);
    }

    private static string Relative(ImageFolderDataset test, string path) => Path.GetRelativePath(test.Root, path).Replace('\\', '/');

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Percent(double fraction) => (100 * fraction).ToString("0.00", CultureInfo.InvariantCulture) + " %";
}
