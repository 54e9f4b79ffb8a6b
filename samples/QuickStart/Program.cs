using Siamese.Net;
using Siamese.Net.Data;
using Siamese.Net.Encoders;
using Siamese.Net.Evaluation;
using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using Siamese.Net.Losses;
using Siamese.Net.Miners;
using Siamese.Net.Samples.Common.Synthetic;
using Siamese.Net.Search;
using Siamese.Net.Training;

// A folder of people, one sub-folder each (faces/s1/1.pgm, faces/s1/2.pgm, ..., faces/s2/1.pgm, ...): yours with
// --data (e.g. the AT&T faces), else 40 generated people in the same layout.
string folder = Option("--data") ?? EmbeddedDataset.EnsureFaces("quickstart-faces", new FaceDatasetOptions());
int epochs = int.Parse(Option("--epochs") ?? "8", System.Globalization.CultureInfo.InvariantCulture);
var people = ImageFolderDataset.Load(folder);

// Split by person: train on most, calibrate the threshold on others, and keep two the network never sees, to enrol
// one ("a new employee") and show it the other ("a stranger").
var (train, heldOut) = people.SplitByClass(validationFraction: 0.25, seed: 42);
var (validation, newcomers) = heldOut.SplitByClass(validationFraction: 0.5, seed: 42);

// The fast CPU recipe: a small Conv-4 encoder on 48x56 grey faces, L2-normalised embeddings, the batch-hard triplet
// loss on batches of P people x K photos, a little augmentation, Adam with cosine decay.
var preprocessing = new ImagePreprocessing { Width = 48, Height = 56, Mean = [0.45f], Std = [0.2f], BackgroundValue = 0.3f };
var images = new ImageStore(preprocessing, cacheInMemory: true);
var augmentation = new ImageAugmentation { RotationDegrees = 10, ScaleMin = 0.9, ScaleMax = 1.1, TranslationPixels = 4, HorizontalFlipProbability = 0.5 };
var batches = new MPerClassBatchSource(train, images, new MPerClassBatchOptions
    { ClassesPerBatch = 16, ImagesPerClass = 5, BatchesPerEpoch = 10, Augmentation = augmentation, Seed = 1 });
var episodes = new EpisodeSource(validation, images, new EpisodeOptions
    { Ways = validation.ClassCount, Shots = 1, QueriesPerClass = 4, EpisodesPerEpoch = 10, Seed = 2 });

// EncoderOptions.Seed (default 42) draws the initial weights, so two runs of this program print the same numbers.
using var network = new SiameseNetwork(new Conv4Encoder(new EncoderOptions { InputWidth = 48, InputHeight = 56, NormalizeEmbeddings = true }));
using var loss = new TripletMarginLoss(margin: 0.5, new BatchHardTripletMiner());
var trainer = new SiameseTrainer(new SiameseTrainerOptions
{
    Epochs = epochs,
    Optimizer = KnownOptimizers.Adam(1e-3),
    Callbacks = [new LearningRateScheduler(KnownSchedulers.Cosine(epochs, minimum: 1e-5))],
    Seed = 42,
});
TrainingResult result = trainer.Fit(network, loss, batches, episodes, new ConsoleProgress());

// Calibrate the "same person" threshold at the equal error rate of all pairs of the validation people.
using var classifier = new OneShotClassifier(network, preprocessing);
var threshold = ThresholdCalibration.AtEqualErrorRate(PairVerifier.Score(network, episodes));
classifier.UseThreshold(threshold);

// Enrol a person from one photo; recognise another photo of them, and reject someone who was never enrolled.
string newEmployee = newcomers.ClassNames[0], stranger = newcomers.ClassNames[1];
classifier.AddClass(newEmployee, [newcomers.Images[newcomers.ImagesOfClass(0)[0]].Path]);
foreach (var (who, photo) in new[] { (newEmployee, newcomers.ImagesOfClass(0)[1]), (stranger, newcomers.ImagesOfClass(1)[0]) })
{
    OneShotPrediction prediction = classifier.Predict(newcomers.Images[photo].Path);
    Console.WriteLine($"{who}: " + (prediction.IsUnknown ? "No match found" : $"{prediction.Label} (distance {prediction.Distance:F3})") +
                      $", threshold {threshold.Threshold:F3}");
}

classifier.Save("quickstart.siamese"); // about 0.5 MB: load with OneShotClassifier.Load("quickstart.siamese")
Console.WriteLine($"Saved quickstart.siamese ({new FileInfo("quickstart.siamese").Length / 1024} KB)");

string? Option(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

// Prints the trainer's progress reports as they come (in order, on the training thread), one line per epoch.
internal sealed class ConsoleProgress : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.CompletedEpoch is { } epoch)
        {
            Console.WriteLine($"\repoch {epoch.Epoch + 1}/{value.Epochs}: loss {epoch.TrainingLoss:F4}, " +
                              $"validation 1-shot {epoch.Validation?.Accuracy:P1}, {value.SamplesPerSecond:F0} images/s");
        }
        else if (value.Step % 5 == 0)
        {
            Console.Write($"\repoch {value.Epoch + 1}/{value.Epochs} step {value.Step}/{value.StepsPerEpoch} loss {value.Loss:F4}");
        }
    }
}
