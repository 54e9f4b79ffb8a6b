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
    public void R_precision_mrr_and_recall_at_k_follow_from_the_first_relevant_rank()
    {
        // One query, R = 3; ranked: irrelevant, relevant, irrelevant, relevant, relevant.
        double[,] distances = { { 0.1, 0.2, 0.3, 0.4, 0.5 } };

        var result = RetrievalMetrics.FromDistances(distances, ["a"], ["b", "a", "b", "a", "a"], referencesAreQueries: false, recallAtK: [4, 1, 2, 2, 99]);

        result.PrecisionAt1.Should().Be(0);
        result.MeanAveragePrecisionAtR.Should().BeApproximately(1.0 / 6, 1e-15); // (0 + 1/2 + 0) / 3
        result.RPrecision.Should().BeApproximately(1.0 / 3, 1e-15); // one relevant among the R = 3 nearest
        result.MeanReciprocalRank.Should().Be(0.5);
        result.RecallAtK.Should().Equal(new Dictionary<int, double> { [1] = 0, [2] = 1, [4] = 1, [99] = 1 });
        result.RecallAtK.Keys.Should().BeInAscendingOrder();
    }

    [Fact]
    public void Recall_at_k_defaults_to_the_benchmark_list_and_rejects_k_below_one()
    {
        double[,] distances = { { 0.1, 0.2 } };

        RetrievalMetrics.FromDistances(distances, [1], [1, 2], false).RecallAtK.Keys.Should().Equal(1, 2, 4, 8);
        RetrievalMetrics.DefaultRecallAtK.Should().Equal(1, 2, 4, 8);
        FluentActions.Invoking(() => RetrievalMetrics.FromDistances(distances, [1], [1, 2], false, recallAtK: [1, 0]))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("recallAtK").WithMessage("*at least 1*");
    }

    [Fact]
    public void A_similarity_ranks_the_largest_first()
    {
        // Dot products: each point's largest similarity is to the other point of its class, its smallest to the
        // farther point of the other class; ranking a similarity ascending would get every query wrong.
        using var scope = NewDisposeScope();
        var embeddings = tensor(new float[] { 1, 0, 2, 0, -1, 0, -2, 0 }).reshape(4, 2);
        string[] labels = ["a", "a", "b", "b"];

        var result = RetrievalMetrics.FromEmbeddings(embeddings, labels, new DotProductSimilarity());

        result.PrecisionAt1.Should().Be(1);
        result.MeanReciprocalRank.Should().Be(1);
        double[,] similarities = { { 1, 2, -1, -2 }, { 2, 4, -2, -4 }, { -1, -2, 1, 2 }, { -2, -4, 2, 4 } };
        RetrievalMetrics.FromDistances(similarities, labels, labels, referencesAreQueries: true).PrecisionAt1
            .Should().Be(0, "the same numbers read as distances put the other class first");
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

    private sealed class DotProductSimilarity : IDistance
    {
        public string Name => "dot";

        public bool IsSimilarity => true;

        public Tensor Pairwise(Tensor first, Tensor second) => (first * second).sum(1);

        public Tensor Matrix(Tensor queries, Tensor references) => queries.mm(references.t());
    }
}
