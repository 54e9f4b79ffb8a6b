using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Evaluation;
using Siamese.Net.Embedding;
using Siamese.Net.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Evaluation;

public sealed class EpisodeEvaluatorTests
{
    // 1-pixel images flattened: the embedding is the pixel value, so the right answers can be worked out by hand.
    private static FewShotEpisode Episode(float[] support, long[] supportLabels, float[] queries, long[] queryLabels) => new(
        tensor(support).reshape(-1, 1, 1, 1),
        tensor(supportLabels),
        tensor(queries).reshape(-1, 1, 1, 1),
        tensor(queryLabels),
        ["zero", "one", "two"]);

    // Class 0 = {0, 10} (mean 5), class 1 = {4}, class 2 = {20}. Query 1 (class 1) is nearest to sample 0 of class 0
    // but to the prototype of class 1; queries 9 (class 0) and 19 (class 2) are right either way.
    private static FewShotEpisode Tricky() => Episode([0, 10, 4, 20], [0, 0, 1, 2], [1, 9, 19], [1, 0, 2]);

    [Fact]
    public void Nearest_sample_and_prototype_count_what_a_hand_calculation_gives()
    {
        using var scope = NewDisposeScope();
        var encoder = nn.Flatten();

        EpisodeEvaluator.CountCorrect(new Embedder(encoder), Tricky(), KShotAggregation.NearestSample).Should().Be(2);
        EpisodeEvaluator.CountCorrect(new Embedder(encoder), Tricky(), KShotAggregation.Prototype).Should().Be(3);
    }

    [Fact]
    public void Evaluate_summarises_episode_accuracies_and_restores_training_mode()
    {
        using var scope = NewDisposeScope();
        var encoder = nn.Flatten();
        encoder.train();
        var easy = Episode([0, 10, 4, 20], [0, 0, 1, 2], [0, 4, 20], [0, 1, 2]);

        var estimate = EpisodeEvaluator.Evaluate(encoder, [Tricky(), easy, Tricky()], aggregation: KShotAggregation.NearestSample);

        estimate.Should().Be(EpisodeEvaluator.Summarize([2.0 / 3, 1.0, 2.0 / 3]));
        encoder.training.Should().BeTrue();
    }

    [Fact]
    public void Support_labels_must_cover_every_class()
    {
        using var scope = NewDisposeScope();
        var missingClass = Episode([0, 10, 4, 20], [0, 0, 1, 1], [1], [1]);

        FluentActions.Invoking(() => EpisodeEvaluator.CountCorrect(new Embedder(nn.Flatten()), missingClass, KShotAggregation.NearestSample))
            .Should().Throw<ArgumentException>().WithMessage("*cover every class 0..2*");
    }
}
