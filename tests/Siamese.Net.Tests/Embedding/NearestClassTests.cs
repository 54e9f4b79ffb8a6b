using Siamese.Net.Distances;
using Siamese.Net.Embedding;
using Siamese.Net.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Embedding;

public sealed class NearestClassTests : IDisposable
{
    private readonly DisposeScope _scope = NewDisposeScope();

    public void Dispose() => _scope.Dispose();

    /// <summary>Dot product as a similarity (larger = more alike), like a learned head.</summary>
    private sealed class DotSimilarity : IDistance
    {
        public string Name => "dot";

        public bool IsSimilarity => true;

        public Tensor Pairwise(Tensor first, Tensor second) => (first * second).sum(1);

        public Tensor Matrix(Tensor queries, Tensor references) => queries.matmul(references.t());
    }

    // 1-d embeddings: class 7 = {0, 10} (mean 5), class 3 = {4}, class 9 = {20}, in that order of appearance.
    private static Tensor Support => tensor(new float[] { 0, 4, 10, 20 }).unsqueeze(1);
    private static Tensor SupportIds => tensor(new long[] { 7, 3, 7, 9 });
    private static Tensor Queries => tensor(new float[] { 1, 9, 19 }).unsqueeze(1);

    [Fact]
    public void Nearest_sample_scores_each_class_by_its_closest_support_row()
    {
        using var scores = NearestClass.Score(Queries, Support, SupportIds, new EuclideanDistance(), KShotAggregation.NearestSample);

        scores.ClassIds.data<long>().ToArray().Should().Equal(7, 3, 9);
        scores.Scores.data<float>().ToArray().Should().Equal([1, 3, 19, 1, 5, 11, 9, 15, 1], (a, b) => Math.Abs(a - b) < 1e-4);
        scores.Predict().data<long>().ToArray().Should().Equal(7, 7, 9);
        scores.Accuracy(tensor(new long[] { 3, 7, 9 })).Should().BeApproximately(2.0 / 3, 1e-12);
    }

    [Fact]
    public void Prototype_scores_each_class_by_its_mean()
    {
        using var scores = NearestClass.Score(Queries, Support, SupportIds, new EuclideanDistance(), KShotAggregation.Prototype);

        scores.Scores.data<float>().ToArray().Should().Equal([4, 3, 19, 4, 5, 11, 14, 15, 1], (a, b) => Math.Abs(a - b) < 1e-4);
        scores.Predict().data<long>().ToArray().Should().Equal(3, 7, 9);
    }

    [Fact]
    public void A_similarity_becomes_one_minus_it_so_the_largest_similarity_wins()
    {
        var support = tensor(new float[] { 1, 0, 0, 1, 3, 3 }, 3, 2);
        var ids = tensor(new long[] { 0, 1, 2 });
        var queries = tensor(new float[] { 1, 0.2f }, 1, 2);

        using var similarity = NearestClass.Score(queries, support, ids, new DotSimilarity(), KShotAggregation.NearestSample);
        using var distance = NearestClass.Score(queries, support, ids, new EuclideanDistance(), KShotAggregation.NearestSample);

        similarity.Scores.data<float>().ToArray().Should().Equal([0f, 0.8f, -2.6f], (a, b) => Math.Abs(a - b) < 1e-6);
        similarity.Predict().item<long>().Should().Be(2, "(3, 3) has the largest dot product with (1, 0.2)");
        distance.Predict().item<long>().Should().Be(0, "(1, 0) is the nearest in Euclidean distance");
    }

    [Fact]
    public void Ties_go_to_the_class_that_appeared_first()
    {
        var support = tensor(new float[] { 2, -2 }).unsqueeze(1);
        using var scores = NearestClass.Score(tensor(new float[] { 0 }).unsqueeze(1), support, tensor(new long[] { 5, 1 }), new EuclideanDistance(), KShotAggregation.NearestSample);

        scores.Predict().item<long>().Should().Be(5);
    }

    [Fact]
    public void Shape_errors_name_the_argument()
    {
        var distance = new EuclideanDistance();
        FluentActions.Invoking(() => NearestClass.Score(zeros(2, 3), zeros(4, 2), SupportIds, distance, KShotAggregation.NearestSample))
            .Should().Throw<ArgumentException>().WithMessage("*3-dimensional*2-dimensional*");
        FluentActions.Invoking(() => NearestClass.Score(zeros(3), Support, SupportIds, distance, KShotAggregation.NearestSample))
            .Should().Throw<ArgumentException>().WithMessage("*queries must be embeddings [N, D]*[3]*");
        FluentActions.Invoking(() => NearestClass.Score(Queries, Support, tensor(new long[] { 1, 2 }), distance, KShotAggregation.NearestSample))
            .Should().Throw<ArgumentException>().WithMessage("*supportClassIds*[4]*[2]*");
        FluentActions.Invoking(() => NearestClass.Score(Queries, Support, tensor(new float[] { 1, 2, 3, 4 }), distance, KShotAggregation.NearestSample))
            .Should().Throw<ArgumentException>().WithMessage("*integer class ids*Float32*");
        FluentActions.Invoking(() => NearestClass.Score(Queries, Support, SupportIds, distance, (KShotAggregation)9))
            .Should().Throw<ArgumentOutOfRangeException>();
    }
}
