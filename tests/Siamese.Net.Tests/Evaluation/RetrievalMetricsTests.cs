using Siamese.Net.Distances;
using Siamese.Net.Evaluation;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Evaluation;

public sealed class RetrievalMetricsTests
{
    [Fact]
    public void Map_at_r_follows_the_worked_example_of_musgrave_et_al()
    {
        // One query with R = 3 relevant references; retrieved order: relevant, irrelevant, relevant, relevant.
        // Paper: MAP@R = (1/R)(1 + 0 + 2/3) = 5/9 (only the first R = 3 ranks count).
        double[,] distances = { { 0.1, 0.2, 0.3, 0.4 } };

        var result = RetrievalMetrics.FromDistances(distances, ["a"], ["a", "b", "a", "a"], referencesAreQueries: false);

        result.MeanAveragePrecisionAtR.Should().BeApproximately(5.0 / 9, 1e-15);
        result.PrecisionAt1.Should().Be(1);
    }

    [Fact]
    public void Leave_one_out_ignores_the_query_itself()
    {
        // Without excluding the diagonal, each query would find itself at distance 0.
        double[,] distances =
        {
            { 0, 5, 1 },
            { 5, 0, 4 },
            { 1, 4, 0 },
        };
        int[] labels = [0, 0, 1];

        var result = RetrievalMetrics.FromDistances(distances, labels, labels, referencesAreQueries: true);

        // Query 0: nearest other is #2 (label 1): wrong. Query 1: nearest other is #2: wrong. Query 2: lone, excluded.
        result.PrecisionAt1.Should().Be(0);
        result.QueryCount.Should().Be(2);
        result.ExcludedQueryCount.Should().Be(1);
    }

    [Fact]
    public void Embeddings_give_the_same_result_as_their_distance_matrix_across_chunks()
    {
        using var scope = NewDisposeScope();
        var embeddings = randn(40, 5, generator: new TorchSharp.torch.Generator(3));
        var labels = Enumerable.Range(0, 40).Select(i => i % 7).ToArray();
        var matrix = new EuclideanDistance().Matrix(embeddings, embeddings).to(float64);
        var values = matrix.data<double>().ToArray();
        var distances = new double[40, 40];
        for (int i = 0; i < 40; i++)
        {
            for (int j = 0; j < 40; j++)
            {
                distances[i, j] = values[(i * 40) + j];
            }
        }

        var expected = RetrievalMetrics.FromDistances(distances, labels, labels, referencesAreQueries: true);

        RetrievalMetrics.FromEmbeddings(embeddings, labels).Should().Be(expected);
        RetrievalMetrics.FromEmbeddings(embeddings.narrow(0, 0, 10), labels.Take(10).ToArray(), embeddings.narrow(0, 10, 30), labels.Skip(10).ToArray())
            .QueryCount.Should().Be(10);
    }

    [Fact]
    public void Bad_input_says_what_is_wrong()
    {
        FluentActions.Invoking(() => RetrievalMetrics.FromDistances(new double[2, 3], [1, 2], [1, 2], false))
            .Should().Throw<ArgumentException>().WithMessage("*[2, 3]*2 query labels and 2 reference labels*");
        FluentActions.Invoking(() => RetrievalMetrics.FromDistances(new double[2, 3], [1, 2], [1, 2, 3], true))
            .Should().Throw<ArgumentException>().WithMessage("*not square*");
        FluentActions.Invoking(() => RetrievalMetrics.FromDistances(new double[1, 2] { { 0, double.NaN } }, [1], [1, 1], false))
            .Should().Throw<ArgumentException>().WithMessage("*distances[0, 1] is NaN*");
        FluentActions.Invoking(() => RetrievalMetrics.FromDistances(new double[1, 2], [1], [2, 3], false))
            .Should().Throw<ArgumentException>().WithMessage("*No query has a reference of its own label*");
    }
}
