using Siamese.Net.Evaluation;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Evaluation;

public sealed class ClusteringMetricsTests
{
    [Fact]
    public void Nmi_and_ami_ignore_what_the_labels_are_called()
    {
        string[] labels = ["cat", "cat", "dog", "dog", "owl", "owl"];
        int[] clusters = [2, 2, 0, 0, 1, 1];

        ClusteringMetrics.NormalizedMutualInformation(labels, clusters).Should().BeApproximately(1, 1e-15);
        ClusteringMetrics.AdjustedMutualInformation(labels, clusters).Should().BeApproximately(1, 1e-15);
    }

    [Fact]
    public void Nmi_is_mutual_information_over_the_mean_entropy()
    {
        // Contingency [[2, 1], [0, 1]]: MI and entropies written out by hand (natural logarithms).
        int[] labels = [0, 0, 0, 1];
        int[] clusters = [0, 0, 1, 1];
        double mi = (0.5 * Math.Log(4.0 * 2 / (3 * 2))) + (0.25 * Math.Log(4.0 * 1 / (3 * 2))) + (0.25 * Math.Log(4.0 * 1 / (1 * 2)));
        double hLabels = -((0.75 * Math.Log(0.75)) + (0.25 * Math.Log(0.25)));
        double hClusters = Math.Log(2);

        ClusteringMetrics.NormalizedMutualInformation(labels, clusters).Should().BeApproximately(mi / ((hLabels + hClusters) / 2), 1e-15);
    }

    [Fact]
    public void Ami_is_corrected_for_chance_where_nmi_is_not()
    {
        // Every item its own cluster: NMI rewards it (MI = H(labels)), AMI knows a random split of that shape would too.
        int[] labels = [0, 0, 0, 1, 1, 1, 2, 2, 2];
        int[] singletons = Enumerable.Range(0, 9).ToArray();

        ClusteringMetrics.NormalizedMutualInformation(labels, singletons).Should().BeGreaterThan(0.6);
        ClusteringMetrics.AdjustedMutualInformation(labels, singletons).Should().BeApproximately(0, 1e-12);
    }

    [Fact]
    public void A_null_label_is_a_class_of_its_own()
    {
        string?[] labels = [null, null, "a", "a"];

        ClusteringMetrics.NormalizedMutualInformation(labels, [1, 1, 2, 2]).Should().BeApproximately(1, 1e-15);
        ClusteringMetrics.NormalizedMutualInformation(labels, [1, 1, 1, 1]).Should().Be(0);
    }

    [Fact]
    public void Embeddings_are_clustered_into_as_many_clusters_as_labels()
    {
        using var scope = NewDisposeScope();
        var embeddings = tensor(new float[] { 0, 0, 0.1f, 0, 10, 10, 10.1f, 10, -10, 5, -10.1f, 5 }).reshape(6, 2);
        string[] labels = ["x", "x", "y", "y", "z", "z"];

        var result = ClusteringMetrics.FromEmbeddings(embeddings, labels);

        result.Clustering.Centroids.GetLength(0).Should().Be(3);
        result.NormalizedMutualInformation.Should().BeApproximately(1, 1e-15);
        result.AdjustedMutualInformation.Should().BeApproximately(1, 1e-15);
    }

    [Fact]
    public void Bad_input_says_what_is_wrong()
    {
        FluentActions.Invoking(() => ClusteringMetrics.NormalizedMutualInformation([1, 2], [1, 2, 3]))
            .Should().Throw<ArgumentException>().WithMessage("*labels has 2 labels but clusters has 3*");
        FluentActions.Invoking(() => ClusteringMetrics.AdjustedMutualInformation(Array.Empty<int>(), Array.Empty<int>()))
            .Should().Throw<ArgumentException>().WithMessage("*no labels*");
        using var scope = NewDisposeScope();
        FluentActions.Invoking(() => ClusteringMetrics.FromEmbeddings(zeros(3, 2), [1, 2]))
            .Should().Throw<ArgumentException>().WithMessage("*N = 2*[3, 2]*");
    }
}
