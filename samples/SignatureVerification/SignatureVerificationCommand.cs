using System.Diagnostics;
using System.Globalization;
using Siamese.Net.Data;
using Siamese.Net.Evaluation;
using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using Siamese.Net.Losses;
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

namespace Siamese.Net.Samples.SignatureVerification;

/// <summary>
/// Trains a Siamese encoder with contrastive loss on the training writers' pairs, keeps the epoch with the best
/// validation EER, calibrates the threshold on the validation writers' pairs and reports EER, AUC and accuracy on
/// the test writers' pairs.
/// </summary>
public sealed class SignatureVerificationCommand : Command<SignatureVerificationSettings>
{
    /// <summary>File name of the saved classifier in the output folder.</summary>
    public const string ClassifierFileName = "signature-verifier.siamese";

    /// <summary>File name of the example-pair picture in the output folder.</summary>
    public const string PairGridFileName = "pairs.png";

    private const int EmbeddedEpochs = 8;
    private const int RealEpochs = 12;
    private const int RealPairsPerEpoch = 3200;
    private const int EmbeddedPairsPerEpoch = 640;

    private readonly IAnsiConsole _console;

    /// <summary>Creates the command; Spectre.Console.Cli passes the console.</summary>
    public SignatureVerificationCommand(IAnsiConsole console) => _console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, SignatureVerificationSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var clock = Stopwatch.StartNew();
        string output = settings.OutputPath;
        Directory.CreateDirectory(output);

        var location = DatasetLocator.ResolveOrEmbedded(DatasetKind.Signatures, settings.Data, "--data", () =>
            EmbeddedDataset.EnsureSignatures(settings.EmbeddedDataFolder("sign_data"),
                new SignatureDatasetOptions { TrainWriters = 40, TestWriters = 8, Seed = settings.Seed }));
        var data = SignatureData.Load(location.Path, settings.ValidationWriters, settings.TestWriters, settings.Seed);
        _console.WriteLine(location.IsEmbedded ? $"Embedded data: {location.Path}" : $"Data: {location.Path}");
        _console.WriteLine(Invariant($"Writers: {data.TrainWriters.Count} train, {data.ValidationWriters.Count} validation ({string.Join(' ', data.ValidationWriters)}), {data.TestWriters.Count} test ({(data.TestFromFolder ? "test/ folder" : "held out")}: {string.Join(' ', data.TestWriters)})"));
        _console.WriteLine(Invariant($"Pairs: {data.Train.Count} train, {data.Validation.Count} validation, {data.Test.Count} test"));

        var (height, width) = settings.ParsedImageSize ?? EncoderFactory.DefaultSize(settings.Encoder, location.IsEmbedded);
        // Scans are mostly white paper: pad to the network's aspect on white, shrink (minpool keeps thin strokes dark),
        // then invert so that ink is bright and padding is zero.
        var preprocessing = new ImagePreprocessing
        {
            Height = height,
            Width = width,
            PadToAspect = true,
            Invert = true,
            ResizeMode = settings.ParsedResize(location.IsEmbedded),
        };
        var images = new ImageStore(preprocessing, cacheInMemory: true);
        var augmentation = settings.NoAugment ? null : SignatureAugmentation(width);
        int pairsPerEpoch = settings.PairsPerEpoch ?? (location.IsEmbedded ? EmbeddedPairsPerEpoch : RealPairsPerEpoch);
        // --csv-share 1 keeps the tutorials' training data: the CSV pairs, each epoch a fresh draw without repetition.
        IndexedBatchSource<LabelledBatch> train = settings.CsvShare >= 1
            ? new PairDrawSource(data.Train, images, settings.BatchSize, pairsPerEpoch, settings.Seed, augmentation)
            : new WriterPairSource(data.Train, data.TrainWriterImages(location.Path), images, settings.BatchSize, pairsPerEpoch,
                settings.Seed, settings.CsvShare, settings.OtherWriterShare, augmentation);
        int trainPairs = Math.Min(pairsPerEpoch, settings.CsvShare >= 1 ? data.Train.Count : pairsPerEpoch);
        var validation = new PairListSource(data.Validation, images, new BatchOptions { BatchSize = 64, Seed = settings.Seed }, shuffle: false);
        int epochs = settings.EpochsOr(location.IsEmbedded ? EmbeddedEpochs : RealEpochs);
        _console.WriteLine(Invariant($"Encoder {settings.Encoder} at {height}x{width}, {trainPairs} pairs per epoch ({settings.CsvShare:P0} from the CSV), batch {settings.BatchSize}, margin {settings.Margin}, resize {settings.ParsedResize(location.IsEmbedded)}, augmentation {(augmentation is null ? "off" : "on")}, up to {epochs} epochs"));

        // Weights are initialised when the encoder is built: seed first so that --seed repeats a run.
        torch.manual_seed(settings.Seed);
        using var network = new SiameseNetwork(EncoderFactory.Create(settings.Encoder, height, width));
        using var loss = new ContrastiveLoss(margin: settings.Margin);
        var trainer = new SiameseTrainer(new SiameseTrainerOptions
        {
            Epochs = epochs,
            Optimizer = KnownOptimizers.Adam(settings.LearningRate),
            Seed = settings.Seed,
            Monitor = MetricKeys.ValidationEer,
            // Validation on a handful of writers is noisy (±0.04 EER between epochs), too noisy to drive a plateau
            // schedule; a cosine decay settles the weights over the planned epochs and keep-best picks the epoch.
            Callbacks =
            [
                new EarlyStopping(settings.Patience),
                new LearningRateScheduler(KnownSchedulers.Cosine(epochs, settings.LearningRate / 100)),
            ],
            KeepBest = true,
            LogEverySteps = 5,
        });

        var loader = new BatchLoader<LabelledBatch>(train, new BatchLoaderOptions { WorkerCount = 1, PrefetchBatches = 4 });
        var result = TrainingProgressBar.Run(_console, "Training", epochs, train.BatchesPerEpoch, bar =>
            trainer.Fit(network, loss, loader, validation, TrainerProgress.For(bar), cancellationToken));
        foreach (var epoch in result.History)
        {
            var v = epoch.Validation;
            _console.WriteLine(Invariant($"epoch {epoch.Epoch + 1}: train loss {epoch.TrainingLoss:F4}, validation loss {v?.Loss:F4}, EER {v?.Eer:F4}, AUC {v?.RocAuc:F4}, lr {epoch.LearningRate:G3}, {epoch.Duration.TotalSeconds:F0} s{(epoch.IsBest ? " (best)" : string.Empty)}"));
        }

        _console.WriteLine(Invariant($"Kept epoch {result.BestEpoch + 1} (validation EER {result.BestMetric:F4}){(result.StoppedEarly ? ", stopped early" : string.Empty)}."));

        // Threshold from the validation writers only; the test pairs are scored once, with that threshold.
        var validationScores = VerificationScores.FromDistances(
            PairScorer.Distances(network, images, data.Validation, cancellationToken), Labels(data.Validation));
        var calibrated = ThresholdCalibration.AtEqualErrorRate(validationScores);
        double threshold = calibrated.Threshold;
        double[] testDistances = PairScorer.Distances(network, images, data.Test, cancellationToken);
        var testScores = VerificationScores.FromDistances(testDistances, Labels(data.Test));
        var roc = testScores.Roc();
        var eer = testScores.Eer();
        var atThreshold = testScores.At(threshold);
        _console.WriteLine(Invariant($"Validation EER threshold {threshold:F4} (validation EER {validationScores.Eer().Rate:F4}); on test: FAR {atThreshold.FalseAcceptRate:F4}, FRR {atThreshold.FalseRejectRate:F4}"));

        SamplePlots.SaveLossCurve(Path.Combine(output, "loss.png"),
            result.History.Select(e => e.TrainingLoss).ToList(),
            result.History.Select(e => e.Validation?.Loss ?? double.NaN).ToList(),
            "Contrastive loss per epoch");
        SamplePlots.SaveRocCurve(Path.Combine(output, "roc.png"), roc.FalseAcceptRates, roc.TruePositiveRates, roc.Auc, eer.Rate,
            "ROC on test writers (genuine accepted vs forgeries accepted)");
        SamplePlots.SaveDistanceHistograms(Path.Combine(output, "distances.png"),
            Select(testDistances, data.Test, PairLabel.Same), Select(testDistances, data.Test, PairLabel.Different), threshold,
            title: "Test pair distances: genuine-genuine vs genuine-forgery");
        WritePairGrid(Path.Combine(output, PairGridFileName), data.Test, testDistances, threshold, settings.Seed);

        // The deployable artefact: the test writers' genuine signatures enrolled as references, with the
        // validation-calibrated threshold, so a questioned signature is accepted only when close enough.
        using (var classifier = new OneShotClassifier(network, preprocessing, new OneShotClassifierOptions { Threshold = threshold }))
        {
            foreach (string writer in data.TestWriters)
            {
                var genuine = SignatureData.GenuineImages(data.TestImageRoot, writer);
                if (genuine.Count > 0)
                {
                    classifier.AddClass(writer, genuine, cancellationToken);
                }
            }

            ClassifierFiles.Save(classifier, Path.Combine(output, ClassifierFileName));
        }

        _console.WriteLine(Invariant($"Wrote loss.png, roc.png, distances.png, {PairGridFileName} and {ClassifierFileName} to {output} in {clock.Elapsed.TotalSeconds:F0} s."));
        new ResultWriter()
            .Add("eer", eer.Rate)
            .Add("auc", roc.Auc)
            .Add("accuracy", atThreshold.Accuracy)
            .Write(_console.Profile.Out.Writer, output);
        return 0;
    }

    private static ImageAugmentation SignatureAugmentation(int width) => new()
    {
        // Smaller than Koch's: a signature's slant and proportions are part of what identifies its writer.
        RotationDegrees = 5,
        Shear = 0.1,
        ScaleMin = 0.9,
        ScaleMax = 1.1,
        TranslationPixels = Math.Max(1, width / 32.0),
        ComponentProbability = 0.5,
    };

    private static PairLabel[] Labels(IReadOnlyList<ImagePair> pairs) => pairs.Select(p => p.Label).ToArray();

    private static double[] Select(double[] distances, IReadOnlyList<ImagePair> pairs, PairLabel label) =>
        distances.Where((_, i) => pairs[i].Label == label).ToArray();

    private static void WritePairGrid(string path, IReadOnlyList<ImagePair> pairs, double[] distances, double threshold, int seed)
    {
        // Four genuine and four forged test pairs, drawn with the seed, as the tutorial's picture of examples.
#pragma warning disable CA5394 // Not security: a reproducible choice of examples.
        var random = new Random(seed);
#pragma warning restore CA5394
        var chosen = new List<int>();
        foreach (var label in new[] { PairLabel.Same, PairLabel.Different })
        {
            var candidates = Enumerable.Range(0, pairs.Count).Where(i => pairs[i].Label == label).ToArray();
            random.Shuffle(candidates);
            chosen.AddRange(candidates.Take(4));
        }

        var entries = chosen.Select(i => new PairGridEntry(
            GrayImage.Load(pairs[i].First),
            GrayImage.Load(pairs[i].Second),
            distances[i],
            PredictedSame: distances[i] <= threshold,
            ActuallySame: pairs[i].Label == PairLabel.Same,
            Caption: $"{Path.GetFileName(Path.GetDirectoryName(pairs[i].Second))}/{Path.GetFileName(pairs[i].Second)}")).ToList();
        PairGridWriter.Write(path, entries, new PairGridOptions
        {
            Title = Invariant($"Test pairs (threshold {threshold:F3}): same = genuine, different = forgery"),
        });
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
