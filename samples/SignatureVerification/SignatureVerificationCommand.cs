using System.Globalization;
using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Embedding;
using Siamese.Net.Encoders;
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
using static TorchSharp.torch;

namespace Siamese.Net.Samples.SignatureVerification;

/// <summary>
/// Trains an encoder on the training writers, keeps the epoch with the best validation EER, calibrates the threshold
/// on the validation writers and reports EER, AUC and accuracy on the test writers' pairs, as scanned and with the
/// ink changed, beside the ink-darkness and raw-pixel baselines on the same pairs.
/// </summary>
public sealed class SignatureVerificationCommand(IAnsiConsole console) : Command<SignatureVerificationSettings>
{
    /// <summary>File name of the saved classifier in the output folder.</summary>
    public const string ClassifierFileName = "signature-verifier.siamese";

    /// <inheritdoc />
    public override int Execute(CommandContext context, SignatureVerificationSettings settings, CancellationToken cancellationToken)
    {
        string output = Directory.CreateDirectory(settings.OutputPath).FullName;
        var location = DatasetLocator.ResolveOrEmbedded(DatasetKind.Signatures, settings.Data, "--data", () =>
            EmbeddedDataset.EnsureSignatures(settings.EmbeddedDataFolder("sign_data"), new SignatureDatasetOptions { TrainWriters = 40, TestWriters = 8, Seed = settings.Seed }));
        bool embedded = location.IsEmbedded;
        var data = SignatureData.Load(location.Path, validationFraction: 0.15, testFraction: 0.2, settings.Seed);
        Say($"{(embedded ? "Embedded data" : "Data")}: {location.Path}. Writers: {data.TrainWriters.Count} train, {data.Split.ValidationGroups.Count} validation ({string.Join(' ', data.Split.ValidationGroups)}), {data.TestWriters.Count} test ({(data.TestFromFolder ? "test/ folder" : "held out")}: {string.Join(' ', data.TestWriters)})");

        bool signet = settings.Encoder.StartsWith("signet", StringComparison.OrdinalIgnoreCase);
        var (height, width) = settings.ParsedImageSize ?? (signet ? (105, 105) : embedded ? (32, 64) : (48, 96));
        // Binarised, cropped and centred: the network sees stroke shapes only, never how dark the pen or scan was
        // (with --ink strokes not how broad the pen was either: every stroke is redrawn at one width).
        var preprocessing = settings.Ink.ToUpperInvariant() switch
        {
            "RAW" => new ImagePreprocessing { Height = height, Width = width, PadToAspect = true, Invert = true, ResizeMode = embedded ? ResizeMode.Area : ResizeMode.MinPool },
            "STROKES" => ImagePreprocessing.InkInvariantSignature(height, width) with { InkNormalization = InkNormalization.OtsuBinarizeUniformStrokes },
            _ => ImagePreprocessing.InkInvariantSignature(height, width),
        };
        var images = new ImageStore(preprocessing, cacheInMemory: true);

        // Smaller than Koch's: a signature's slant and proportions are part of what identifies its writer.
        var augmentation = settings.NoAugment ? null
            : new ImageAugmentation { RotationDegrees = 5, Shear = 0.1, ScaleMin = 0.9, ScaleMax = 1.1, TranslationPixels = Math.Max(1, width / 32.0), ComponentProbability = 0.5 };
        int pairsPerEpoch = settings.PairsPerEpoch ?? (embedded ? 640 : 1280);
        int epochs = settings.EpochsOr(embedded ? 8 : 5);
        // EncoderOptions.Seed draws the encoder's initial weights; torch's generator draws a loss's own (the BCE head's),
        // so it is seeded before the loss is built and --seed repeats both.
        torch.manual_seed(settings.Seed);
        using var loss = CreateLoss(settings.Loss);
        bool pairLoss = loss is ContrastiveLoss or BceHeadLoss;
        var folders = data.TrainFolders(location.Path);
        // Pair losses see writer pairs; the label losses P x K batches of folders (8 classes x batch/8 images).
        IndexedBatchSource<LabelledBatch> train = pairLoss
            ? new WriterPairSource(folders, images, settings.BatchSize, pairsPerEpoch, settings.Seed, augmentation)
            : new MPerClassBatchSource(folders, images, new MPerClassBatchOptions { ClassesPerBatch = 8, ImagesPerClass = settings.BatchSize / 8, Seed = settings.Seed, Augmentation = augmentation, BatchesPerEpoch = Math.Max(1, pairsPerEpoch / settings.BatchSize) });
        // At most 1,200 validation pairs (a seeded subset) keep each epoch's validation to seconds.
        var validationPairs = SeedStreams.Permutation(data.Split.Validation.Count, SeedStreams.Random(settings.Seed, 0x51)).Take(1200).Order().Select(i => data.Split.Validation[i]).ToList();
        var validation = new PairListSource(validationPairs, images, new BatchOptions { BatchSize = 64, Seed = settings.Seed }, shuffle: false);
        Say($"Encoder {settings.Encoder} at {height}x{width}, ink {settings.Ink}, loss {settings.Loss}, {pairsPerEpoch} pairs per epoch, batch {settings.BatchSize}, augmentation {(augmentation is null ? "off" : "on")}, up to {epochs} epochs; {validationPairs.Count} validation pairs, {data.Test.Count} test pairs");

        var size = new EncoderOptions { InputHeight = height, InputWidth = width, Seed = settings.Seed };
        nn.Module<Tensor, Tensor> encoder = !signet ? new Conv4Encoder(size with { EmbeddingSize = 128 })
            : new SigNet(size, settings.Encoder.EndsWith("-bn", StringComparison.OrdinalIgnoreCase) ? SigNetVariant.BatchNorm : SigNetVariant.LocalResponseNorm);
        using var network = new SiameseNetwork(encoder, loss is BceHeadLoss ? null : loss.Distance);
        // A few validation writers are too noisy for a plateau schedule: cosine decay, and keep-best picks the epoch.
        var trainer = new SiameseTrainer(new SiameseTrainerOptions { Epochs = epochs, Optimizer = KnownOptimizers.Adam(1e-3), Seed = settings.Seed,
            Monitor = MetricKeys.ValidationEer, KeepBest = true, LogEverySteps = 5, Precision = settings.TrainingPrecision,
            Callbacks = [new EarlyStopping(6), new LearningRateScheduler(KnownSchedulers.Cosine(epochs, 1e-5))] });
        var loader = new BatchLoader<LabelledBatch>(train, new BatchLoaderOptions { WorkerCount = 1, PrefetchBatches = 4 });
        var result = TrainingProgressBar.Run(console, "Training", epochs, train.BatchesPerEpoch, bar =>
            trainer.Fit(network, loss, loader, validation, TrainerProgress.For(bar), cancellationToken));
        Say($"Kept epoch {result.BestEpoch + 1} (validation EER {result.BestMetric:F4}){(result.StoppedEarly ? ", stopped early" : string.Empty)}; trained in {trainer.Options.Precision} precision.");

        // Pairs are scored by the loss's distance (the BCE head's learned score, else the network's own); the
        // ink-changed copy of the test scans goes through the same preprocessing after a gamma and contrast change.
        var embedder = new Embedder(network, preprocessing);
        var scorer = loss is BceHeadLoss ? new Embedder(network.Encoder, preprocessing, distance: loss.Distance) : embedder;
        var validationScores = PairVerifier.Score(scorer, validationPairs, cancellationToken: cancellationToken);
        double threshold = ThresholdCalibration.AtEqualErrorRate(validationScores).Threshold;
        var testScores = PairVerifier.Score(scorer, data.Test, cancellationToken: cancellationToken);
        var changedScores = PairVerifier.Score(scorer, data.Test, Scans.WithChangedInk, cancellationToken);
        var (roc, atThreshold) = (testScores.Roc(), testScores.At(threshold));
        Say($"Validation EER {validationScores.Eer().Rate:F4} at threshold {threshold:F4}; on test: FAR {atThreshold.FalseAcceptRate:F4}, FRR {atThreshold.FalseRejectRate:F4}; ink-changed test EER {changedScores.Eer().Rate:F4}, accuracy {changedScores.At(threshold).Accuracy:F4}");

        VerificationFigures.Save(output, [.. result.History.Select(e => e.TrainingLoss)], [.. result.History.Select(e => e.Validation?.Loss ?? double.NaN)], testScores, threshold,
            i => (GrayImage.Load(data.Test[i].First), GrayImage.Load(data.Test[i].Second), $"{Path.GetFileName(Path.GetDirectoryName(data.Test[i].Second))}/{Path.GetFileName(data.Test[i].Second)}"),
            subject: "test writers (same: genuine, different: forgery)", seed: settings.Seed);

        // The deployable artefact: the test writers' genuine signatures enrolled, with a threshold on the classifier's
        // own distance (the network's; for the BCE head that is the Euclidean distance, calibrated again here).
        double classifierThreshold = loss is BceHeadLoss ? ThresholdCalibration.AtEqualErrorRate(PairVerifier.Score(embedder, validationPairs, cancellationToken: cancellationToken)).Threshold : threshold;
        using (var classifier = new OneShotClassifier(network, preprocessing, new OneShotClassifierOptions { Threshold = classifierThreshold }))
        {
            var testFolders = ImageFolderDataset.Load(data.TestRoot);
            classifier.AddClasses(testFolders.WithClasses(data.TestWriters.Where(testFolders.ClassNames.Contains)), cancellationToken: cancellationToken);
            var (onnx, reason) = ClassifierFiles.Save(classifier, Path.Combine(output, ClassifierFileName));
            Say($"Saved {ClassifierFileName}{(onnx is null ? $" (no ONNX bundle: {reason})" : $" and {Path.GetFileName(onnx)}")}.");
        }

        var baselines = Baselines.Measure(Distinct(data.Test), data.Test, images, new ImageStore(preprocessing with { InkNormalization = InkNormalization.None, CropToInk = false, ResizeMode = ResizeMode.Area }));
        Say($"Wrote loss.png, roc.png, distances.png and {VerificationFigures.PairGridFileName} to {output}.");
        baselines.Aggregate(new ResultWriter(), (r, b) => r.Add(b.Name, b.Value)).Add("eer_ink_changed", changedScores.Eer().Rate).Add("auc_ink_changed", changedScores.Auc())
            .Add("eer", testScores.Eer().Rate).Add("auc", roc.Auc).Add("accuracy", atThreshold.Accuracy)
            .Write(console.Profile.Out.Writer, output);
        return 0;
    }

    /// <summary>The loss for a <c>--loss</c> name (the label losses with their papers' defaults, on the cosine similarity).</summary>
    internal static MetricLoss CreateLoss(string name) => name.ToUpperInvariant() switch
    {
        "BCE" => new BceHeadLoss(embeddingSize: 128),
        "MULTI-SIMILARITY" => new MultiSimilarityLoss(),
        "CIRCLE" => new CircleLoss(),
        "SUPCON" => new SupervisedContrastiveLoss(),
        _ => new ContrastiveLoss(margin: 2),
    };

    private static List<string> Distinct(IEnumerable<ImagePair> pairs) => pairs.SelectMany(p => new[] { p.First, p.Second }).Distinct(StringComparer.Ordinal).ToList();

    private void Say(FormattableString text) => console.WriteLine(Invariant(text));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
