using System.Diagnostics;
using System.Globalization;
using Siamese.Net;
using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Embedding;
using Siamese.Net.Encoders;
using Siamese.Net.Evaluation;
using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using Siamese.Net.Samples.Common.Baselines;
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
using static TorchSharp.torch;

namespace FaceSimilarity;

/// <summary>
/// Trains a face encoder on some subjects, keeps the epoch with the best validation ROC AUC (held-out subjects),
/// calibrates the threshold on those subjects, and evaluates on subjects never used before through the saved
/// <see cref="OneShotClassifier"/>: verification over all pairs (AUC, EER) and random N-way 1-shot episodes, beside
/// raw-pixel and eigenface 1-NN baselines on the same pairs and episodes.
/// </summary>
public sealed class FaceSimilarityCommand(IAnsiConsole console) : Command<FaceSimilaritySettings>
{
    /// <summary>File name of the saved classifier in the output folder.</summary>
    public const string ClassifierFileName = "face-similarity.siamese";

    /// <summary>Eigenfaces kept by the PCA baseline.</summary>
    public const int EigenfaceComponents = 100;

    /// <summary>Training augmentation (off with <c>--no-augment</c>): head rotation and tilt, zoom, shift, a mirror image.</summary>
    public static ImageAugmentation FaceAugmentation { get; } = new()
    {
        RotationDegrees = 10, Shear = 0.05, ScaleMin = 0.9, ScaleMax = 1.1, TranslationPixels = 4, ComponentProbability = 0.5, HorizontalFlipProbability = 0.5,
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
        bool tutorial = string.Equals(settings.Split.Trim(), "tutorial", StringComparison.OrdinalIgnoreCase);
        var split = OrderedClassSplit.Create(faces, tutorial ? 3 : 10, settings.ValidationSubjects, tutorial ? "tutorial" : "unseen");
        console.MarkupLine(data.IsEmbedded ? $"[bold]Data:[/] generated faces in the AT&T layout at {Markup.Escape(data.Path)} (pass [blue]--data <att_faces>[/] for the real set)"
            : $"[bold]Data:[/] {Markup.Escape(data.Path)}");
        console.MarkupLine($"[bold]Subjects:[/] train {OrderedClassSplit.Describe(split.Train)}, validation {OrderedClassSplit.Describe(split.Validation)}, test (unseen) {OrderedClassSplit.Describe(split.Test)}");

        var preprocessing = Preprocessing(recipe);
        var images = new ImageStore(preprocessing, cacheInMemory: true);
        var augmentation = settings.NoAugment ? null : FaceAugmentation;
        manual_seed(settings.Seed);
        using var network = new SiameseNetwork(CreateEncoder(recipe, settings.Seed));
        using var loss = recipe.CreateLoss(split.Train.ClassCount, ((ImageEncoder)network.Encoder).EmbeddingSize);
        var trainer = new SiameseTrainer(new SiameseTrainerOptions
        {
            Epochs = recipe.Epochs,
            // A proxy or classifier loss's class weights learn 10x faster than the network (ProxyAnchor uses 100x): with a
            // few hundred steps they would otherwise barely leave their random start.
            Optimizer = p => optim.Adam(p.Loss.Count == 0 ? [new TorchSharp.Modules.Adam.ParamGroup(p.Network, lr: recipe.LearningRate, weight_decay: recipe.WeightDecay)]
                : [new(p.Network, lr: recipe.LearningRate, weight_decay: recipe.WeightDecay), new(p.Loss, lr: 10 * recipe.LearningRate)]),
            Callbacks = recipe.Pairs ? [] : [new LearningRateScheduler(KnownSchedulers.Cosine(recipe.Epochs, recipe.LearningRate / 100))],
            Seed = settings.Seed,
            Monitor = MetricKeys.ValidationRocAuc, // the same criterion for every loss: a loss value does not compare across losses
            KeepBest = true,
            Precision = settings.TrainingPrecision,
        });
        IBatchSource<ITrainingBatch> training = recipe.Pairs
            ? new BalancedPairSource(split.Train, images, new BatchOptions { BatchSize = recipe.BatchSize, Seed = settings.Seed, Augmentation = augmentation }, recipe.PairsPerEpoch)
            : new MPerClassBatchSource(split.Train, images, new MPerClassBatchOptions { ClassesPerBatch = Math.Min(recipe.SubjectsPerBatch, split.Train.ClassCount), ImagesPerClass = recipe.ImagesPerSubject, Seed = settings.Seed, Augmentation = augmentation, BatchesPerEpoch = recipe.BatchesPerEpoch });
        int queries = Enumerable.Range(0, split.Validation.ClassCount).Min(c => split.Validation.ImagesOfClass(c).Count) - 1;
        var validation = new EpisodeSource(split.Validation, images, new EpisodeOptions { Ways = split.Validation.ClassCount, Shots = 1, QueriesPerClass = queries, EpisodesPerEpoch = 8, Seed = settings.Seed + 2 });
        console.MarkupLine($"[bold]Training:[/] {Markup.Escape(recipe.Describe())}, augmentation {(augmentation is null ? "off" : "on")}; best epoch: highest ROC AUC on 8 fixed validation episodes");
        var clock = Stopwatch.StartNew();
        var result = TrainingProgressBar.Run(console, "Training", recipe.Epochs, training.BatchesPerEpoch,
            bar => trainer.Fit(network, loss, training, validation, TrainerProgress.For(bar), cancellationToken));
        clock.Stop();
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[bold]Trained[/] in {clock.Elapsed.TotalSeconds:0} s; kept epoch {(result.BestEpoch ?? 0) + 1} (validation AUC {result.BestMetric ?? double.NaN:0.0000})"));

        // Everything below goes through the classifier a user would load: its preprocessing, encoder and test-time
        // augmentation, which averages each face with its mirror image only if that helps on the validation subjects.
        var testTimeAugmentation = new[] { TestTimeAugmentation.None, TestTimeAugmentation.HorizontalFlip }.MaxBy(a => ValidationAuc(network, preprocessing, a, split.Validation, cancellationToken))!;
        console.MarkupLine($"[bold]Test-time augmentation[/] (chosen by validation ROC AUC): {testTimeAugmentation}");
        using var classifier = new OneShotClassifier(network, preprocessing, new OneShotClassifierOptions { TopK = 3, TestTimeAugmentation = testTimeAugmentation });
        using var validationEmbeddings = classifier.Embedder.Embed(split.Validation, cancellationToken);
        int[] validationIds = [.. split.Validation.Images.Select(i => i.ClassId)];
        var calibrated = ThresholdCalibration.AtEqualErrorRate(EmbeddingEvaluation.AllPairs(validationEmbeddings.Embeddings, validationIds, classifier.Distance).Scores());
        using var testEmbeddings = classifier.Embedder.Embed(split.Test, cancellationToken);
        int[] testIds = [.. split.Test.Images.Select(i => i.ClassId)];
        var pairs = EmbeddingEvaluation.AllPairs(testEmbeddings.Embeddings, testIds, classifier.Distance);
        var scores = pairs.Scores();
        var atThreshold = scores.At(calibrated.Threshold);
        var oneShot = EmbeddingEvaluation.OneShot(testEmbeddings.Embeddings, testIds, classifier.Distance, settings.Episodes, settings.Seed, out var perSubject);
        var validationOneShot = EmbeddingEvaluation.OneShot(validationEmbeddings.Embeddings, validationIds, classifier.Distance, settings.Episodes, settings.Seed, out _);

        // Baselines without a network, on the same test pairs and episodes: standardised pixels, and eigenfaces fitted on the non-test subjects.
        using var testPixels = RawPixels.Of(images, split.Test.Images.Select(i => i.Path));
        using var trainPixels = RawPixels.Of(images, split.Train.Images.Concat(split.Validation.Images).Select(i => i.Path));
        using var eigenfaces = Eigenfaces.Fit(trainPixels, EigenfaceComponents);
        using var testEigen = eigenfaces.Project(testPixels);
        (AccuracyEstimate OneShot, double Eer) Baseline(Tensor rows) =>
            (EmbeddingEvaluation.OneShot(rows, testIds, new EuclideanDistance(), settings.Episodes, settings.Seed, out _), EmbeddingEvaluation.AllPairs(rows, testIds, new EuclideanDistance()).Scores().Eer().Rate);
        var (raw, pca) = (Baseline(testPixels), Baseline(testEigen));

        int ways = split.Test.ClassCount;
        var table = new Table().Title("Unseen test subjects").AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("pairs (same / different)", $"{scores.SameCount} / {scores.DifferentCount}");
        table.AddRow("ROC AUC", F(scores.Auc()));
        table.AddRow("EER (baselines: raw pixels / eigenfaces)", $"{P(scores.Eer().Rate)} ({P(raw.Eer)} / {P(pca.Eer)})");
        table.AddRow("threshold (EER on validation subjects); FAR / FRR at it", $"{F(calibrated.Threshold)}; {P(atThreshold.FalseAcceptRate)} / {P(atThreshold.FalseRejectRate)}");
        table.AddRow($"{ways}-way 1-shot, {oneShot.SampleCount} episodes (95 % interval)", $"{P(oneShot.Mean)} ± {P(oneShot.HalfWidth)}");
        table.AddRow("  same episodes: raw-pixel 1-NN", $"{P(raw.OneShot.Mean)} ± {P(raw.OneShot.HalfWidth)}");
        table.AddRow($"  same episodes: eigenfaces 1-NN ({eigenfaces.Components} components, fitted on train + validation)", $"{P(pca.OneShot.Mean)} ± {P(pca.OneShot.HalfWidth)}");
        table.AddRow("  per subject (queries right)", string.Join(", ", split.Test.ClassNames.Select((name, c) => $"{name} {100 * perSubject[c]:0}")));
        table.AddRow($"validation subjects, {split.Validation.ClassCount}-way 1-shot (model selection)", $"{P(validationOneShot.Mean)} ± {P(validationOneShot.HalfWidth)}");
        console.Write(table);

        VerificationFigures.Save(output, [.. result.History.Select(r => r.TrainingLoss)], [.. result.History.Select(r => r.Validation?.Loss ?? double.NaN)], scores, calibrated.Threshold,
            i => (GrayImage.Load(split.Test.Images[pairs.First[i]].Path), GrayImage.Load(split.Test.Images[pairs.Second[i]].Path), $"{Relative(pairs.First[i])} vs {Relative(pairs.Second[i])}"), "dissimilarity", "unseen subjects");
        classifier.AddClasses(split.Test, shotsPerClass: 1, cancellationToken); // a ready gallery: one image per test subject
        classifier.Threshold = double.IsNegativeInfinity(calibrated.Threshold) ? null : calibrated.Threshold; // none when validation had no pairs

        ClassifierFiles.Save(classifier, Path.Combine(output, ClassifierFileName));
        console.MarkupLine($"[bold]Saved[/] {Markup.Escape(Path.Combine(output, ClassifierFileName))} and its .siamese-onnx bundle; figures loss.png, roc.png, distances.png, pairs.png");
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[bold]Total time:[/] {total.Elapsed.TotalSeconds:0} s (training {clock.Elapsed.TotalSeconds:0} s)"));

        string oneShotName = $"accuracy_{ways}way_1shot";
        string Relative(int row) => Path.GetRelativePath(split.Test.Root, split.Test.Images[row].Path).Replace('\\', '/');
        var lines = new StringWriter(CultureInfo.InvariantCulture);
        new ResultWriter().Add($"baseline_raw_pixel_{oneShotName}", raw.OneShot.Mean).Add("baseline_raw_pixel_eer", raw.Eer)
            .Add($"baseline_pca_{oneShotName}", pca.OneShot.Mean).Add("baseline_pca_eer", pca.Eer)
            .Add("eer", scores.Eer().Rate).Add("auc", scores.Auc()).Add(oneShotName, oneShot.Mean).Write(lines, output);
        console.Profile.Out.Writer.Write(lines.ToString().Replace("\r", string.Empty, StringComparison.Ordinal));
        console.Profile.Out.Writer.Flush();
        return ExitCodes.Success;
    }

    /// <summary>The input pipeline: grey, resized; standardised (AT&amp;T mean 0.45, std 0.2) except for the tutorial's network. Augmentation fills with the dark backdrop.</summary>
    public static ImagePreprocessing Preprocessing(FaceRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var plain = new ImagePreprocessing { Width = recipe.Width, Height = recipe.Height, BackgroundValue = 0.3f };
        return recipe.Encoder == EncoderChoice.FaceNet ? plain : plain with { Mean = [0.45f], Std = [0.2f] };
    }

    /// <summary>The recipe's encoder, its initial weights drawn from <paramref name="seed"/>; L2-normalised except for the contrastive and prototypical losses.</summary>
    public static ImageEncoder CreateEncoder(FaceRecipe recipe, int seed)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var options = new EncoderOptions
        {
            Seed = seed,
            InputHeight = recipe.Height, InputWidth = recipe.Width, EmbeddingSize = recipe.EmbeddingSize == 0 ? null : recipe.EmbeddingSize,
            NormalizeEmbeddings = recipe.Loss is not (LossChoice.Contrastive or LossChoice.Prototypical),
        };
        return recipe.Encoder switch { EncoderChoice.FaceNet => new FaceSimilarityNet(options), EncoderChoice.SmallCnn => new SmallCnn(options), _ => new Conv4Encoder(options) };
    }

    private static double ValidationAuc(SiameseNetwork network, ImagePreprocessing preprocessing, TestTimeAugmentation augmentation, ImageFolderDataset validation, CancellationToken cancellationToken)
    {
        using var embedded = new Embedder(network, preprocessing, new EmbedderOptions { TestTimeAugmentation = augmentation }).Embed(validation, cancellationToken);
        return EmbeddingEvaluation.AllPairs(embedded.Embeddings, [.. validation.Images.Select(i => i.ClassId)], network.Distance).Scores().Auc();
    }

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string P(double fraction) => (100 * fraction).ToString("0.00", CultureInfo.InvariantCulture) + " %";
}
