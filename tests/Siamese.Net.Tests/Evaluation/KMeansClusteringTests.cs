using Siamese.Net.Evaluation;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Evaluation;

/// <summary>k-means (named for the Clustering test filter).</summary>
public sealed class KMeansClusteringTests
{
    private static Tensor Blobs(int perBlob, ulong seed, out int[] labels)
    {
        var generator = new Generator(seed);
        var centres = tensor(new double[] { 0, 0, 0, 8, 8, 0, 8, 8, -8, -8, -8, 8 }, float64).reshape(4, 3);
        labels = Enumerable.Range(0, 4 * perBlob).Select(i => i / perBlob).ToArray();
        var index = tensor(labels.Select(l => (long)l).ToArray());
        return centres.index_select(0, index) + randn(4 * perBlob, 3, float64, generator: generator);
    }

    [Fact]
    public void The_same_seed_gives_the_same_clustering()
    {
        using var scope = NewDisposeScope();
        var points = Blobs(10, 1, out _);
        var options = new KMeansOptions { Restarts = 3, Seed = 42 };

        var first = KMeans.Fit(points, 4, options);
        var second = KMeans.Fit(points, 4, options);

        second.Assignments.Should().Equal(first.Assignments);
        second.Inertia.Should().Be(first.Inertia);
        second.Restart.Should().Be(first.Restart);
    }

    [Fact]
    public void Separated_blobs_are_recovered_and_the_centroids_are_their_means()
    {
        using var scope = NewDisposeScope();
        var points = Blobs(15, 2, out int[] labels);

        var result = KMeans.Fit(points, 4, new KMeansOptions { Seed = 7 });

        ClusteringMetrics.NormalizedMutualInformation(labels, result.Assignments).Should().BeApproximately(1, 1e-12);
        var values = points.data<double>().ToArray();
        double inertia = 0;
        for (int c = 0; c < 4; c++)
        {
            var members = Enumerable.Range(0, 60).Where(i => result.Assignments[i] == c).ToArray();
            for (int d = 0; d < 3; d++)
            {
                double mean = members.Average(i => values[(i * 3) + d]);
                result.Centroids[c, d].Should().BeApproximately(mean, 1e-12);
                inertia += members.Sum(i => Math.Pow(values[(i * 3) + d] - mean, 2));
            }
        }

        result.Inertia.Should().BeApproximately(inertia, 1e-9);
        result.Iterations.Should().BeInRange(1, 300);
    }

    [Fact]
    public void Restarts_keep_the_lowest_inertia()
    {
        // One Gaussian cloud cut into 8: many local optima. The first restart of a 10-restart run draws the same seeds
        // as a 1-restart run with the same seed, so the best of 10 can only be lower or equal.
        using var scope = NewDisposeScope();
        var points = randn(200, 2, float64, generator: new Generator(5));
        bool improved = false;
        for (int seed = 0; seed < 4; seed++)
        {
            var single = KMeans.Fit(points, 8, new KMeansOptions { Restarts = 1, Seed = seed });
            var best = KMeans.Fit(points, 8, new KMeansOptions { Restarts = 10, Seed = seed });

            best.Inertia.Should().BeLessThanOrEqualTo(single.Inertia);
            best.Restart.Should().BeInRange(0, 9);
            improved |= best.Inertia < single.Inertia - 1e-9;
        }

        improved.Should().BeTrue("some later restart finds a better optimum than the first");
    }

    [Fact]
    public void As_many_clusters_as_points_puts_each_point_alone()
    {
        using var scope = NewDisposeScope();
        var points = tensor(new float[] { 0, 0, 1, 0, 0, 1, 5, 5 }).reshape(4, 2);

        var result = KMeans.Fit(points, 4, new KMeansOptions { Restarts = 2 });

        result.Assignments.Distinct().Should().HaveCount(4);
        result.Inertia.Should().Be(0);
    }

    [Fact]
    public void Duplicate_points_leave_k_means_plus_plus_a_distinct_seed_to_pick()
    {
        // Three distinct points, each repeated: after the first seeds every remaining distance may be 0.
        using var scope = NewDisposeScope();
        var points = tensor(new float[] { 0, 0, 0, 0, 3, 3, 3, 3, 9, 9, 9, 9 }).reshape(6, 2);

        for (int seed = 0; seed < 5; seed++)
        {
            var result = KMeans.Fit(points, 3, new KMeansOptions { Restarts = 1, Seed = seed });

            result.Inertia.Should().Be(0, "seed {0}", seed);
            ClusteringMetrics.NormalizedMutualInformation([0, 0, 1, 1, 2, 2], result.Assignments).Should().BeApproximately(1, 1e-12);
        }
    }

    [Fact]
    public void Bad_input_says_what_is_wrong()
    {
        using var scope = NewDisposeScope();
        var points = zeros(5, 2);

        FluentActions.Invoking(() => KMeans.Fit(points, 0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("clusters");
        FluentActions.Invoking(() => KMeans.Fit(points, 6)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*[1, 5]*");
        FluentActions.Invoking(() => KMeans.Fit(points, 2, new KMeansOptions { Restarts = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*KMeansOptions.Restarts*");
        FluentActions.Invoking(() => KMeans.Fit(points, 2, new KMeansOptions { Tolerance = double.NaN }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*KMeansOptions.Tolerance*");
        FluentActions.Invoking(() => KMeans.Fit(zeros(5), 2)).Should().Throw<ArgumentException>().WithMessage("*[N, D]*");
        FluentActions.Invoking(() => KMeans.Fit(tensor(new float[] { 0, float.NaN }).reshape(2, 1), 1))
            .Should().Throw<ArgumentException>().WithMessage("*NaN*");
    }
}
