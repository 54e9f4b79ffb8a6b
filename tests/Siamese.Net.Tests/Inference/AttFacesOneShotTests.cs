using Siamese.Net.Data;
using Siamese.Net.Encoders;
using Siamese.Net.Evaluation;
using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using Siamese.Net.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Inference;

/// <summary>
/// The whole inference path on real files: AT&amp;T faces (40 people x 10 PGM images), one support image per person,
/// the other nine as queries, through an untrained CNN. Even random convolutional features put a face nearer to
/// the same person's photo far more often than chance (1/40), so this checks decoding, preprocessing, embedding,
/// search and save/load on real data without training.
/// </summary>
public sealed class AttFacesOneShotTests
{
    [SharedDatasetFact("att_faces")]
    public void One_shot_identification_of_real_faces_beats_chance_by_far_and_survives_save_and_load()
    {
        using var scope = NewDisposeScope();
        var dataset = ImageFolderDataset.Load(SharedDatasets.Find("att_faces")!);
        var preprocessing = new ImagePreprocessing { Width = 46, Height = 56 };
        manual_seed(3);
        var encoder = new SmallCnn(new EncoderOptions { InputHeight = 56, InputWidth = 46, EmbeddingSize = 64 });
        using var classifier = new OneShotClassifier(encoder, preprocessing);
        classifier.AddClasses(dataset, shotsPerClass: 1);
        var queries = Enumerable.Range(0, dataset.ClassCount)
            .SelectMany(c => dataset.ImagesOfClass(c).Skip(1).Select(i => (Path: dataset.Images[i].Path, Label: dataset.ClassNames[c])))
            .ToArray();

        var predictions = classifier.PredictBatch(queries.Select(q => q.Path).ToArray());

        double accuracy = predictions.Zip(queries).Count(p => p.First.Label == p.Second.Label) / (double)queries.Length;
        accuracy.Should().BeGreaterThan(0.3, "chance is 1/40");

        var file = Path.Combine(Path.GetTempPath(), $"att-{Guid.NewGuid():N}.siamese");
        try
        {
            classifier.Save(file);
            using var loaded = OneShotClassifier.Load(file, new SmallCnn(new EncoderOptions { InputHeight = 56, InputWidth = 46, EmbeddingSize = 64, Seed = 4 }));
            var again = loaded.PredictBatch(queries.Take(40).Select(q => q.Path).ToArray());
            again.Select(p => (p.Label, p.Distance)).Should().Equal(predictions.Take(40).Select(p => (p.Label, p.Distance)));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [SharedDatasetFact("att_faces")]
    public void Five_way_one_shot_episodes_from_the_episode_source_beat_chance_with_a_confidence_interval()
    {
        using var scope = NewDisposeScope();
        var dataset = ImageFolderDataset.Load(SharedDatasets.Find("att_faces")!);
        var images = new ImageStore(new ImagePreprocessing { Width = 46, Height = 56 });
        var episodes = new EpisodeSource(dataset, images, new EpisodeOptions { Ways = 5, Shots = 1, QueriesPerClass = 2, EpisodesPerEpoch = 20, Seed = 7 });
        manual_seed(3);
        var encoder = new SmallCnn(new EncoderOptions { InputHeight = 56, InputWidth = 46, EmbeddingSize = 64 });

        var estimate = EpisodeEvaluator.Evaluate(encoder, episodes.ReadEpoch(0, CancellationToken.None));

        estimate.SampleCount.Should().Be(20);
        estimate.Lower.Should().BeGreaterThan(0.2, "chance is 1/5 and even random convolutional features separate faces");
        estimate.Upper.Should().BeGreaterThan(estimate.Mean);
    }
}
