using Siamese.Net.Data;
using Siamese.Net.Encoders;
using Siamese.Net.Evaluation;
using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using Siamese.Net.Losses;
using Siamese.Net.Training;

namespace Siamese.Net.Tests;

/// <summary>Runs the README's quick start (same calls, smaller numbers) so that the README cannot rot.</summary>
public sealed class ReadmeQuickStartTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("siamese-readme-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void The_quick_start_trains_calibrates_and_predicts()
    {
        // Four "people", five images each: a bright square at a person-specific place, with a little noise.
        var random = new Random(3);
        for (int person = 0; person < 4; person++)
        {
            string folder = Directory.CreateDirectory(Path.Combine(_root, "faces", $"s{person + 1}")).FullName;
            for (int k = 1; k <= 5; k++)
            {
                var pixels = new byte[32 * 32];
                for (int i = 0; i < pixels.Length; i++)
                {
                    pixels[i] = (byte)random.Next(0, 40);
                }

                for (int y = 0; y < 10; y++)
                {
                    for (int x = 0; x < 10; x++)
                    {
                        pixels[((4 + (person / 2 * 16) + y) * 32) + 4 + (person % 2 * 16) + x] = 230;
                    }
                }

                var header = System.Text.Encoding.ASCII.GetBytes("P5\n32 32\n255\n");
                File.WriteAllBytes(Path.Combine(folder, $"{k}.pgm"), [.. header, .. pixels]);
            }
        }

        // --- README quick start, epochs and pair counts reduced ---
        var preprocessing = new ImagePreprocessing { Width = 100, Height = 100 };
        var images = new ImageStore(preprocessing, cacheInMemory: true);
        var (train, validation) = ImageFolderDataset.Load(Path.Combine(_root, "faces"))
            .SplitByImage(validationFraction: 0.4, seed: 42);
        var trainPairs = new BalancedPairSource(train, images, new BatchOptions { BatchSize = 16, Seed = 1 }, pairsPerEpoch: 48);
        var validationPairs = new BalancedPairSource(validation, images, new BatchOptions { BatchSize = 16, Seed = 2 }, pairsPerEpoch: 32);

        using var network = new SiameseNetwork(new FaceSimilarityNet());
        using var loss = new ContrastiveLoss(margin: 2.0);
        var trainer = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 2, Optimizer = KnownOptimizers.Adam(5e-4) });
        TrainingResult result = trainer.Fit(network, loss, trainPairs, validationPairs);

        var threshold = ThresholdCalibration.AtEqualErrorRate(PairVerifier.Score(network, validationPairs));

        using var classifier = new OneShotClassifier(network, preprocessing);
        classifier.AddClass("alice", [Path.Combine(_root, "faces", "s1", "1.pgm")]);
        classifier.AddClass("bob", [Path.Combine(_root, "faces", "s2", "1.pgm")]);
        classifier.UseThreshold(threshold);
        OneShotPrediction prediction = classifier.Predict(Path.Combine(_root, "faces", "s1", "2.pgm"));
        string said = prediction.IsUnknown ? "No match found" : $"{prediction.Label} at distance {prediction.Distance:F3}";
        // --- end of quick start ---

        result.History.Should().HaveCount(2);
        result.History[^1].Validation.Should().NotBeNull();
        classifier.Threshold.Should().Be(threshold.Threshold);
        prediction.Candidates.Should().NotBeEmpty();
        prediction.Candidates[0].Label.Should().Be(prediction.Label);
        said.Should().NotBeNullOrEmpty();
    }
}
