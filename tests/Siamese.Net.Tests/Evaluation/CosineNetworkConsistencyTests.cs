using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Embedding;
using Siamese.Net.Encoders;
using Siamese.Net.Evaluation;
using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using Siamese.Net.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Evaluation;

/// <summary>
/// EpisodeEvaluator, NearestClass and OneShotClassifier are three doors to one embedding path and one nearest-class
/// rule, so for a cosine-trained network they give the same accuracy on the same episodes.
/// </summary>
public sealed class CosineNetworkConsistencyTests : IDisposable
{
    private readonly DisposeScope _scope = NewDisposeScope();

    public void Dispose() => _scope.Dispose();

    /// <summary>
    /// Two-pixel images: class 0 at (10, 0), class 1 at (0.5, 0.5). The queries point along class 0 but lie near class 1
    /// in Euclidean terms, so cosine says class 0 (right) and Euclidean says class 1 (wrong).
    /// </summary>
    private static FewShotEpisode DirectionEpisode() => new(
        tensor(new float[] { 10, 0, 0.5f, 0.5f }).reshape(2, 1, 1, 2),
        tensor(new long[] { 0, 1 }),
        tensor(new float[] { 1, 0.1f, 0.9f, 0.05f, 0.02f, 0.4f }).reshape(3, 1, 1, 2),
        tensor(new long[] { 0, 0, 1 }),
        ["along-x", "diagonal"]);

    [Fact]
    public void A_cosine_network_is_scored_with_cosine_by_all_three()
    {
        using var network = new SiameseNetwork(nn.Flatten(), new CosineDistance());

        var evaluated = EpisodeEvaluator.Evaluate(network, [DirectionEpisode(), DirectionEpisode()]);
        double nearestClass = NearestClassAccuracy(new Embedder(network), DirectionEpisode());
        double classifier = ClassifierAccuracy(network, DirectionEpisode());
        var euclidean = EpisodeEvaluator.Evaluate(network.Encoder, [DirectionEpisode(), DirectionEpisode()], new EuclideanDistance());

        evaluated.Mean.Should().Be(1.0, "cosine puts both x-direction queries with class 0 and (0.02, 0.4) with the diagonal");
        nearestClass.Should().Be(evaluated.Mean);
        classifier.Should().Be(evaluated.Mean);
        euclidean.Mean.Should().BeApproximately(1.0 / 3, 1e-12, "Euclidean distance gets the two x-direction queries wrong: the bug this guards against");
    }

    [Fact]
    public void On_random_episodes_the_three_agree_episode_by_episode()
    {
        manual_seed(11);
        using var network = new SiameseNetwork(new Conv4Encoder(new EncoderOptions { InputHeight = 16, InputWidth = 16, EmbeddingSize = 16 }), new CosineDistance());
        var generator = new Generator(12);
        var episodes = Enumerable.Range(0, 8).Select(e =>
        {
            var support = rand(5, 1, 16, 16, generator: generator);
            var query = (support.repeat_interleave(2, dim: 0) + (0.25 * randn(10, 1, 16, 16, generator: generator))).clamp(0, 1);
            return (Support: support, Query: query);
        }).ToArray();
        FewShotEpisode Episode(int e) => new(
            episodes[e].Support.clone(), arange(5L), episodes[e].Query.clone(), arange(5L).repeat_interleave(2), ["a", "b", "c", "d", "e"]);

        var embedder = new Embedder(network);
        var perEpisode = Enumerable.Range(0, 8).Select(e =>
        {
            using var episode = Episode(e);
            return (
                Evaluator: EpisodeEvaluator.CountCorrect(embedder, episode, KShotAggregation.NearestSample) / 10.0,
                NearestClass: NearestClassAccuracy(embedder, episode),
                Classifier: ClassifierAccuracy(network, episode));
        }).ToArray();

        perEpisode.Select(p => p.NearestClass).Should().Equal(perEpisode.Select(p => p.Evaluator));
        perEpisode.Select(p => p.Classifier).Should().Equal(perEpisode.Select(p => p.Evaluator));
        EpisodeEvaluator.Evaluate(network, Enumerable.Range(0, 8).Select(Episode)).Mean
            .Should().BeApproximately(perEpisode.Average(p => p.Evaluator), 1e-12);
        perEpisode.Average(p => p.Evaluator).Should().BeGreaterThan(0.2, "noisy copies beat chance even with random weights");
    }

    private static double NearestClassAccuracy(Embedder embedder, FewShotEpisode episode)
    {
        using var scope = NewDisposeScope();
        var support = embedder.EmbedPreprocessed(episode.Support);
        var queries = embedder.EmbedPreprocessed(episode.Query);
        using var scores = NearestClass.Score(queries, support, episode.SupportLabels, embedder.Distance, KShotAggregation.NearestSample);
        return scores.Accuracy(episode.QueryLabels);
    }

    private static double ClassifierAccuracy(SiameseNetwork network, FewShotEpisode episode)
    {
        using var scope = NewDisposeScope();
        var shape = episode.Support.shape;
        using var classifier = new OneShotClassifier(network, new ImagePreprocessing { Width = (int)shape[3], Height = (int)shape[2] });
        var support = classifier.Embedder.EmbedPreprocessed(episode.Support);
        var labels = episode.SupportLabels.data<long>().ToArray().Select(l => episode.ClassNames[(int)l]).ToArray();
        classifier.AddEmbeddings(labels, support);
        var predictions = classifier.PredictEmbeddings(classifier.Embedder.EmbedPreprocessed(episode.Query));
        var truth = episode.QueryLabels.data<long>().ToArray().Select(l => episode.ClassNames[(int)l]).ToArray();
        return predictions.Zip(truth).Count(p => p.First.Label == p.Second) / (double)truth.Length;
    }
}
