using Siamese.Net.Search.Tests.USearch;

namespace Siamese.Net.Search.Tests;

public sealed class ExactSupportIndexTests
{
    [Fact]
    public void A_large_batch_searched_in_parallel_answers_as_query_by_query()
    {
        var (labels, vectors) = USearchSupportIndexTests.Clustered(classes: 700, shots: 3, dimension: 8, seed: 5);
        var queries = USearchSupportIndexTests.Clustered(classes: 700, shots: 1, dimension: 8, seed: 5, noiseSeed: 6).Vectors;
        using var index = new ExactSupportIndex(KnownMetrics.Cosine);
        index.Add(labels, vectors);

        // 700 queries x 2,100 samples passes the parallel threshold (2^20 comparisons).
        var batch = index.Search(queries, 4);

        for (int q = 0; q < 700; q += 7)
        {
            var single = index.Search(queries.AsSpan(q * 8, 8), 4).Single();
            batch[q].Should().Equal(single);
        }

        Enumerable.Range(0, 700).Count(q => batch[q][0].Label == $"class{q}").Should().BeGreaterThan(690);
    }

    [Fact]
    public void A_user_metric_is_used_for_every_comparison()
    {
        using var index = new ExactSupportIndex(new Chebyshev());
        index.Add(["a", "b"], [0, 0, 3, 3]);

        var result = index.Search([2, 0], 2).Single();

        // Chebyshev: max |difference| = 2 to a, 3 to b (Euclidean would say 2 and 3.16).
        result.Select(m => m.Label).Should().Equal("a", "b");
        result.Select(m => m.Distance).Should().Equal(2, 3);
    }

    [Fact]
    public void A_configured_dimension_is_enforced_from_the_start()
    {
        using var index = new ExactSupportIndex(dimension: 3);

        index.Dimension.Should().Be(3);
        index.Invoking(i => i.Add(["a"], [1, 2])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("vectors");
        FluentActions.Invoking(() => new ExactSupportIndex(dimension: 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new ExactSupportIndex(aggregation: (KShotAggregation)9)).Should().Throw<ArgumentOutOfRangeException>();
    }

    private sealed class Chebyshev : VectorMetric
    {
        public override string Name => "chebyshev";

        public override float Distance(ReadOnlySpan<float> first, ReadOnlySpan<float> second)
        {
            float max = 0;
            for (int i = 0; i < first.Length; i++)
            {
                max = Math.Max(max, Math.Abs(first[i] - second[i]));
            }

            return max;
        }
    }
}
