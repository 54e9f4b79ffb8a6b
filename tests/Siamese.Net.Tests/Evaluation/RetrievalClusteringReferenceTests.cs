using System.Text.Json;
using Siamese.Net.Evaluation;
using Siamese.Net.Tests.Reference;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Evaluation;

/// <summary>
/// Retrieval metrics agree with a brute-force numpy ranking, NMI/AMI with scikit-learn, and k-means with
/// scikit-learn's KMeans, on the fixed inputs of retrieval_clustering_reference.json (made by
/// retrieval_clustering_reference.py).
/// </summary>
public sealed class RetrievalClusteringReferenceTests
{
    private const double Tolerance = 1e-12;

    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(EvaluationReference.Locate("retrieval_clustering_reference.json")));
        return doc.RootElement.Clone();
    });

    public static TheoryData<string> RetrievalCases() => Names("retrieval");

    public static TheoryData<string> MutualInformationCases() => Names("mutual_information");

    [Theory]
    [MemberData(nameof(RetrievalCases))]
    public void Retrieval_metrics_match_the_numpy_ranking(string name)
    {
        var r = Case("retrieval", name);
        var rows = r.GetProperty("distances").EnumerateArray().Select(x => x.Doubles()).ToArray();
        var distances = new double[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
        {
            for (int j = 0; j < rows[i].Length; j++)
            {
                distances[i, j] = rows[i][j];
            }
        }

        int[] recallAt = r.GetProperty("recall_at").Ints();
        double[] recall = r.GetProperty("recall").Doubles();

        var result = RetrievalMetrics.FromDistances(
            distances, r.GetProperty("query_labels").Ints(), r.GetProperty("reference_labels").Ints(), r.GetProperty("same_set").GetBoolean(), recallAt);

        result.PrecisionAt1.Should().BeApproximately(r.GetProperty("precision_at_1").GetDouble(), Tolerance);
        result.MeanAveragePrecisionAtR.Should().BeApproximately(r.GetProperty("map_at_r").GetDouble(), Tolerance);
        result.RPrecision.Should().BeApproximately(r.GetProperty("r_precision").GetDouble(), Tolerance);
        result.MeanReciprocalRank.Should().BeApproximately(r.GetProperty("mrr").GetDouble(), Tolerance);
        result.RecallAtK.Keys.Should().Equal(recallAt);
        for (int i = 0; i < recallAt.Length; i++)
        {
            result.RecallAtK[recallAt[i]].Should().BeApproximately(recall[i], Tolerance, "Recall@{0}", recallAt[i]);
        }

        result.QueryCount.Should().Be(r.GetProperty("query_count").GetInt32());
        result.ExcludedQueryCount.Should().Be(r.GetProperty("excluded").GetInt32());
    }

    [Theory]
    [MemberData(nameof(MutualInformationCases))]
    public void Nmi_and_ami_match_sklearn(string name)
    {
        var c = Case("mutual_information", name);
        int[] labels = c.GetProperty("labels").Ints();
        int[] clusters = c.GetProperty("clusters").Ints();

        ClusteringMetrics.NormalizedMutualInformation(labels, clusters).Should().BeApproximately(c.GetProperty("nmi").GetDouble(), Tolerance);
        ClusteringMetrics.AdjustedMutualInformation(labels, clusters).Should().BeApproximately(c.GetProperty("ami").GetDouble(), 1e-10);
        // Both are symmetric in the two labelings.
        ClusteringMetrics.AdjustedMutualInformation(clusters, labels).Should().BeApproximately(c.GetProperty("ami").GetDouble(), 1e-10);
    }

    [Fact]
    public void Nmi_and_ami_match_sklearn_with_four_thousand_classes()
    {
        // The labeling formula of the reference script: a dense 4000 x 4000 table would take 64 MB and 16M EMI terms.
        var c = Root.Value.GetProperty("mutual_information_large");
        int n = c.GetProperty("n").GetInt32();
        int[] labels = Enumerable.Range(0, n).Select(i => i / 5).ToArray();
        int[] clusters = Enumerable.Range(0, n).Select(i => i % 3 != 0 ? i / 5 : (int)(7919L * i % 4000)).ToArray();

        ClusteringMetrics.NormalizedMutualInformation(labels, clusters).Should().BeApproximately(c.GetProperty("nmi").GetDouble(), 1e-12);
        ClusteringMetrics.AdjustedMutualInformation(labels, clusters).Should().BeApproximately(c.GetProperty("ami").GetDouble(), 1e-9);
    }

    [Fact]
    public void Kmeans_reaches_sklearn_optimum_on_separated_blobs_and_scores_it_as_sklearn()
    {
        var c = Case("kmeans", "separated_blobs");
        using var scope = NewDisposeScope();
        var points = Points(c);
        int[] labels = c.GetProperty("labels").Ints();

        var result = ClusteringMetrics.FromEmbeddings(points, labels, new KMeansOptions { Restarts = 10, Seed = 0 });

        result.Clustering.Inertia.Should().BeApproximately(c.GetProperty("inertia").GetDouble(), 1e-9 * c.GetProperty("inertia").GetDouble());
        result.NormalizedMutualInformation.Should().BeApproximately(c.GetProperty("nmi").GetDouble(), Tolerance);
        result.AdjustedMutualInformation.Should().BeApproximately(c.GetProperty("ami").GetDouble(), 1e-10);
        ClusteringMetrics.NormalizedMutualInformation(result.Clustering.Assignments, c.GetProperty("sklearn_labels").Ints())
            .Should().Be(1, "the same partition as sklearn's, up to the cluster names");
    }

    [Fact]
    public void Kmeans_on_overlapping_classes_is_within_one_percent_of_sklearn_best_of_50()
    {
        var c = Case("kmeans", "overlapping");
        using var scope = NewDisposeScope();
        var points = Points(c);

        var result = KMeans.Fit(points, c.GetProperty("k").GetInt32(), new KMeansOptions { Restarts = 10, Seed = 0 });

        result.Inertia.Should().BeLessThanOrEqualTo(1.01 * c.GetProperty("inertia").GetDouble());
        result.Assignments.Distinct().Should().HaveCount(c.GetProperty("k").GetInt32());
    }

    private static Tensor Points(JsonElement c)
    {
        var rows = c.GetProperty("points").EnumerateArray().Select(x => x.Doubles()).ToArray();
        return tensor(rows.SelectMany(x => x).ToArray(), float64).reshape(rows.Length, rows[0].Length);
    }

    private static JsonElement Case(string group, string name) =>
        Root.Value.GetProperty(group).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static TheoryData<string> Names(string group)
    {
        var data = new TheoryData<string>();
        foreach (var c in Root.Value.GetProperty(group).EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }

        return data;
    }
}
