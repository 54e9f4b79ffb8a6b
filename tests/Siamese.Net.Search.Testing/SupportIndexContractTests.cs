using FluentAssertions;
using Xunit;

namespace Siamese.Net.Search.Testing;

/// <summary>
/// The behaviour every <see cref="ISupportIndex"/> must show, as xunit facts. An implementation's test project derives
/// a class from this one and supplies <see cref="CreateIndex"/>; every fact then runs against that index. The data are
/// small enough that an approximate index must return the true neighbours.
/// </summary>
public abstract class SupportIndexContractTests : IDisposable
{
    private readonly List<ISupportIndex> _created = [];

    /// <summary>Absolute and relative tolerance on reported distances (float32 arithmetic in different orders).</summary>
    protected virtual double DistanceTolerance => 1e-4;

    /// <summary>Creates an empty index; it is disposed after the test.</summary>
    /// <param name="metric">The metric to rank by.</param>
    /// <param name="aggregation">The K-shot aggregation.</param>
    /// <returns>A new, empty index.</returns>
    protected abstract ISupportIndex CreateIndex(VectorMetric metric, KShotAggregation aggregation);

    /// <summary>Disposes every index the tests created.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes every index the tests created.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var index in _created)
            {
                index.Dispose();
            }

            _created.Clear();
        }
    }

    [ContractFact]
    public void NearestSample_scores_a_class_by_its_nearest_example()
    {
        var index = Create(KnownMetrics.Euclidean, KShotAggregation.NearestSample);
        index.Add(["a", "a", "b"], [0, 0, 10, 0, 6, 0]);

        var result = index.Search([9, 0], 2).Single();

        result.Select(m => m.Label).Should().Equal("a", "b");
        result[0].Distance.Should().BeApproximately(1, Tolerance(1));
        result[1].Distance.Should().BeApproximately(3, Tolerance(3));
    }

    [ContractFact]
    public void Prototype_scores_a_class_by_the_mean_of_its_examples()
    {
        var index = Create(KnownMetrics.Euclidean, KShotAggregation.Prototype);
        index.Add(["a", "a", "b"], [0, 0, 10, 0, 6, 0]);

        var result = index.Search([9, 0], 2).Single();

        // The mean of a is (5, 0): 4 away, farther than b at 3, although a's nearest example is only 1 away.
        result.Select(m => m.Label).Should().Equal("b", "a");
        result[0].Distance.Should().BeApproximately(3, Tolerance(3));
        result[1].Distance.Should().BeApproximately(4, Tolerance(4));
    }

    [ContractFact]
    public void Prototypes_follow_every_change_between_searches()
    {
        var index = Create(KnownMetrics.Euclidean, KShotAggregation.Prototype);
        index.Add(["a", "b"], [0, 0, 3, 0]);
        index.Search([0, 0], 2).Single()[0].Distance.Should().BeApproximately(0, Tolerance(0));

        // a's mean moves to (5, 0): 5 from the query, now farther than b.
        index.Add(["a"], [10, 0]);
        var moved = index.Search([0, 0], 2).Single();
        moved.Select(m => m.Label).Should().Equal("b", "a");
        moved[1].Distance.Should().BeApproximately(5, Tolerance(5));

        index.Remove("b").Should().BeTrue();
        index.Add(["c"], [1, 0]);
        index.Rename("a", "alice").Should().BeTrue();
        var changed = index.Search([0, 0], 2).Single();
        changed.Select(m => m.Label).Should().Equal("c", "alice");
        changed[1].Distance.Should().BeApproximately(5, Tolerance(5));
    }

    [ContractTheory]
    [InlineData(KShotAggregation.NearestSample)]
    [InlineData(KShotAggregation.Prototype)]
    public void Search_returns_at_most_k_distinct_classes_nearest_first(KShotAggregation aggregation)
    {
        var index = Create(KnownMetrics.Euclidean, aggregation);
        var labels = new List<string>();
        var vectors = new List<float>();
        for (int c = 0; c < 5; c++)
        {
            for (int s = 0; s < 3; s++)
            {
                labels.Add($"class{c}");
                vectors.AddRange([(c * 10) + (s * 0.1f), 1]);
            }
        }

        index.Add(labels, vectors.ToArray());

        var top3 = index.Search([19, 1], 3).Single();
        top3.Select(m => m.Label).Should().Equal("class2", "class1", "class3");
        top3.Select(m => m.Distance).Should().BeInAscendingOrder();

        var all = index.Search([19, 1], 10).Single();
        all.Should().HaveCount(5);
        all.Select(m => m.Label).Should().OnlyHaveUniqueItems();
        all[0].Label.Should().Be("class2");
    }

    [ContractFact]
    public void Search_answers_every_query_of_a_batch_in_order()
    {
        var index = Create(KnownMetrics.Euclidean, KShotAggregation.NearestSample);
        index.Add(["left", "right", "up"], [-1, 0, 1, 0, 0, 1]);

        var results = index.Search([0.9f, 0, 0, 0.8f, -2, 0, 1, 0.1f], 1);

        results.Should().HaveCount(4);
        results.Select(r => r.Single().Label).Should().Equal("right", "up", "left", "right");
    }

    [ContractTheory]
    [InlineData(KShotAggregation.NearestSample)]
    [InlineData(KShotAggregation.Prototype)]
    public void Ties_are_ordered_by_the_order_classes_were_first_added(KShotAggregation aggregation)
    {
        var index = Create(KnownMetrics.Euclidean, aggregation);
        index.Add(["zulu", "alpha"], [1, 1, 1, 1]);
        index.Add(["mike", "alpha"], [1, 1, 1, 1]);

        var result = index.Search([1, 2], 3).Single();

        result.Select(m => m.Label).Should().Equal("zulu", "alpha", "mike");
        result.Select(m => m.Distance).Should().AllSatisfy(d => d.Should().BeApproximately(1, Tolerance(1)));
    }

    [ContractFact]
    public void Add_to_an_existing_class_adds_examples_and_keeps_the_class_order()
    {
        var index = Create(KnownMetrics.Euclidean, KShotAggregation.NearestSample);
        index.Add(["a", "b", "a"], [0, 0, 5, 5, 0, 1]);
        index.Add(["a"], [9, 9]);

        index.Classes.Should().Equal("a", "b");
        index.Count.Should().Be(4);
        index.Dimension.Should().Be(2);
        ShouldBeClose(index.GetVectors("a"), [0, 0, 0, 1, 9, 9]);
        ShouldBeClose(index.GetVectors("b"), [5, 5]);

        var result = index.Search([9, 8], 2).Single();
        result[0].Label.Should().Be("a");
        result[0].Distance.Should().BeApproximately(1, Tolerance(1));
    }

    [ContractFact]
    public void An_empty_batch_changes_nothing()
    {
        var index = Create(KnownMetrics.Euclidean, KShotAggregation.NearestSample);
        index.Add(["a"], [1, 2]);

        index.Add([], ReadOnlySpan<float>.Empty);

        index.Count.Should().Be(1);
        index.Classes.Should().Equal("a");
    }

    [ContractFact]
    public void GetVectors_returns_a_copy()
    {
        var index = Create(KnownMetrics.Euclidean, KShotAggregation.NearestSample);
        index.Add(["a"], [1, 2]);

        var copy = index.GetVectors("a");
        copy[0] = 100;

        ShouldBeClose(index.GetVectors("a"), [1, 2]);
        index.Invoking(i => i.GetVectors("missing")).Should().Throw<KeyNotFoundException>();
    }

    [ContractTheory]
    [InlineData(KShotAggregation.NearestSample)]
    [InlineData(KShotAggregation.Prototype)]
    public void Remove_deletes_a_class_and_leaves_the_others(KShotAggregation aggregation)
    {
        var index = Create(KnownMetrics.Euclidean, aggregation);
        index.Add(["a", "b", "a", "c"], [0, 0, 4, 0, 0, 1, 8, 0]);

        index.Remove("a").Should().BeTrue();
        index.Remove("a").Should().BeFalse();

        index.Classes.Should().Equal("b", "c");
        index.Count.Should().Be(2);
        index.Invoking(i => i.GetVectors("a")).Should().Throw<KeyNotFoundException>();
        var result = index.Search([0, 0], 5).Single();
        result.Select(m => m.Label).Should().Equal("b", "c");
        result[0].Distance.Should().BeApproximately(4, Tolerance(4));

        // A class added after a removal takes the last place and ties still follow the order of first addition.
        index.Add(["a"], [4, 0]);
        index.Classes.Should().Equal("b", "c", "a");
        index.Search([4, 1], 3).Single().Select(m => m.Label).Should().Equal("b", "a", "c");
    }

    [ContractFact]
    public void Removing_the_last_class_leaves_an_empty_index()
    {
        var index = Create(KnownMetrics.Euclidean, KShotAggregation.NearestSample);
        index.Add(["a"], [1, 2]);

        index.Remove("a").Should().BeTrue();

        index.Count.Should().Be(0);
        index.Classes.Should().BeEmpty();
        index.Invoking(i => i.Search([1, 2], 1)).Should().Throw<InvalidOperationException>();
    }

    [ContractTheory]
    [InlineData(KShotAggregation.NearestSample)]
    [InlineData(KShotAggregation.Prototype)]
    public void Rename_keeps_the_examples_and_the_place_of_a_class(KShotAggregation aggregation)
    {
        var index = Create(KnownMetrics.Euclidean, aggregation);
        index.Add(["a", "b", "c"], [1, 1, 1, 1, 5, 5]);

        index.Rename("a", "alice").Should().BeTrue();
        index.Rename("missing", "x").Should().BeFalse();
        index.Rename("b", "b").Should().BeTrue();

        index.Classes.Should().Equal("alice", "b", "c");
        ShouldBeClose(index.GetVectors("alice"), [1, 1]);
        index.Invoking(i => i.GetVectors("a")).Should().Throw<KeyNotFoundException>();
        index.Search([1, 1], 3).Single().Select(m => m.Label).Should().Equal("alice", "b", "c");
        index.Invoking(i => i.Rename("alice", "c")).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("newLabel");
        index.Invoking(i => i.Rename("alice", "")).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("newLabel");
        index.Classes.Should().Equal("alice", "b", "c");

        // A renamed class takes more examples under its new name.
        index.Add(["alice"], [9, 9]);
        index.GetVectors("alice").Should().HaveCount(4);
        index.Classes.Should().Equal("alice", "b", "c");
    }

    [ContractFact]
    public void A_dimension_mismatch_is_rejected_naming_the_argument()
    {
        var index = Create(KnownMetrics.Euclidean, KShotAggregation.NearestSample);
        index.Add(["a", "b"], [1, 2, 3, 4, 5, 6]);

        index.Invoking(i => i.Add(["c"], [1, 2])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("vectors");
        index.Invoking(i => i.Add(["c", "d"], [1, 2, 3])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("vectors");
        index.Invoking(i => i.Search([1, 2], 1)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("queries");
        index.Invoking(i => i.Search([1, 2, 3, 4], 1)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("queries");
        index.Invoking(i => i.Search(ReadOnlySpan<float>.Empty, 1)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("queries");
        index.Count.Should().Be(2);
        index.Dimension.Should().Be(3);
    }

    [ContractFact]
    public void Labels_and_k_are_checked()
    {
        var index = Create(KnownMetrics.Euclidean, KShotAggregation.NearestSample);

        index.Invoking(i => i.Add(["a", ""], [1, 2])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("labels[1]");
        index.Invoking(i => i.Add(["a", null!], [1, 2])).Should().Throw<ArgumentException>();
        index.Invoking(i => i.Add([], [1, 2])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("vectors");
        index.Count.Should().Be(0);

        index.Add(["a"], [1, 2]);
        index.Invoking(i => i.Search([1, 2], 0)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [ContractTheory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Non_finite_values_are_rejected(float bad)
    {
        var index = Create(KnownMetrics.Euclidean, KShotAggregation.NearestSample);
        index.Add(["a"], [1, 2]);

        index.Invoking(i => i.Add(["b", "c"], [1, 2, 3, bad])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("vectors");
        index.Invoking(i => i.Search([bad, 1], 1)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("queries");

        // A rejected batch adds nothing, not even its valid rows.
        index.Count.Should().Be(1);
        index.Classes.Should().Equal("a");
    }

    [ContractFact]
    public void Searching_an_empty_index_is_an_invalid_operation()
    {
        var index = Create(KnownMetrics.Euclidean, KShotAggregation.NearestSample);

        index.Invoking(i => i.Search([1, 2], 1)).Should().Throw<InvalidOperationException>();
        index.Count.Should().Be(0);
        index.Classes.Should().BeEmpty();
    }

    [ContractFact]
    public void Dispose_is_idempotent_and_later_calls_throw_ObjectDisposedException_naming_the_index()
    {
        var index = Create(KnownMetrics.Euclidean, KShotAggregation.NearestSample);
        index.Add(["a"], [1, 2]);

        index.Dispose();
        index.Invoking(i => i.Dispose()).Should().NotThrow();

        string name = index.GetType().Name;
        var calls = new Action<ISupportIndex>[]
        {
            i => i.Add(["b"], [1, 2]),
            i => i.Search([1, 2], 1),
            i => i.Remove("a"),
            i => i.Rename("a", "b"),
            i => i.GetVectors("a"),
            i => _ = i.Count,
            i => _ = i.Classes,
            i => _ = i.Dimension,
        };
        foreach (var call in calls)
        {
            index.Invoking(call).Should().Throw<ObjectDisposedException>().Which.ObjectName.Should().Contain(name);
        }
    }

    [ContractFact]
    public async Task Search_may_run_while_examples_are_added()
    {
        const int Dimension = 8;
        const int Batches = 40;
        var index = Create(KnownMetrics.Euclidean, KShotAggregation.NearestSample);
        index.Add(["anchor"], Basis(Dimension, 0, 1));

        // Readers always find the anchor exactly (distance 0) whatever the writer has added so far: the added
        // examples are all at least 1 away from the query.
        var writer = Task.Run(() =>
        {
            for (int b = 0; b < Batches; b++)
            {
                var labels = Enumerable.Range(0, 5).Select(i => $"class{b}_{i}").ToArray();
                var vectors = labels.SelectMany((_, i) => Basis(Dimension, 1 + ((b + i) % (Dimension - 1)), 2 + b + i)).ToArray();
                index.Add(labels, vectors);
            }
        });
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            int searches = 0;
            while (!writer.IsCompleted || searches < 5)
            {
                var best = index.Search(Basis(Dimension, 0, 1), 3).Single();
                best[0].Label.Should().Be("anchor");
                best[0].Distance.Should().BeApproximately(0, Tolerance(0));
                best.Select(m => m.Label).Should().OnlyHaveUniqueItems();
                if (++searches >= 10_000)
                {
                    break;
                }
            }
        })).ToArray();

        await writer;
        await Task.WhenAll(readers);
        index.Count.Should().Be(1 + (Batches * 5));
        index.Classes.Should().HaveCount(1 + (Batches * 5));
    }

    [ContractTheory]
    [InlineData("euclidean", KShotAggregation.NearestSample)]
    [InlineData("euclidean", KShotAggregation.Prototype)]
    [InlineData("cosine", KShotAggregation.NearestSample)]
    [InlineData("cosine", KShotAggregation.Prototype)]
    [InlineData("inner-product", KShotAggregation.NearestSample)]
    [InlineData("inner-product", KShotAggregation.Prototype)]
    public void Distances_equal_a_brute_force_reference(string metricName, KShotAggregation aggregation)
    {
        const int Dimension = 16;
        const int Classes = 30;
        const int Shots = 3;
        var metric = KnownMetrics.FromName(metricName);
        var random = new Random(1234);
        var index = Create(metric, aggregation);
        var labels = new List<string>();
        var rows = new List<float[]>();
        for (int s = 0; s < Shots; s++)
        {
            for (int c = 0; c < Classes; c++)
            {
                labels.Add($"id{c:D2}");
                rows.Add(RandomVector(random, Dimension));
            }
        }

        index.Add(labels, rows.SelectMany(r => r).ToArray());
        var queries = Enumerable.Range(0, 10).Select(_ => RandomVector(random, Dimension)).ToArray();

        var results = index.Search(queries.SelectMany(q => q).ToArray(), Classes);

        for (int q = 0; q < queries.Length; q++)
        {
            var expected = Enumerable.Range(0, Classes)
                .Select(c =>
                {
                    var members = Enumerable.Range(0, labels.Count).Where(i => labels[i] == $"id{c:D2}").Select(i => rows[i]).ToArray();
                    double distance = aggregation == KShotAggregation.Prototype
                        ? metric.Distance(queries[q], Mean(members))
                        : members.Min(m => (double)metric.Distance(queries[q], m));
                    return (Label: $"id{c:D2}", Distance: distance);
                })
                .OrderBy(e => e.Distance)
                .ToArray();
            results[q].Should().HaveCount(Classes);
            for (int i = 0; i < Classes; i++)
            {
                results[q][i].Distance.Should().BeApproximately(expected[i].Distance, Tolerance(expected[i].Distance), $"query {q}, rank {i} under {metricName}");
            }

            // The order may differ only between classes whose distances are equal within the tolerance.
            results[q][0].Label.Should().Be(expected[0].Label);
            results[q].Select(m => m.Distance).Should().BeInAscendingOrder();
        }
    }

    [ContractFact]
    public void A_zero_vector_is_at_cosine_distance_one_from_everything()
    {
        var index = Create(KnownMetrics.Cosine, KShotAggregation.NearestSample);
        index.Add(["a", "b"], [1, 0, 0, 2]);

        var result = index.Search([0, 0], 2).Single();

        result.Select(m => m.Distance).Should().AllSatisfy(d => d.Should().BeApproximately(1, Tolerance(1)));
        result.Select(m => m.Label).Should().Equal("a", "b");
    }

    /// <summary>The tolerance for an expected distance: <see cref="DistanceTolerance"/> absolute plus relative.</summary>
    /// <param name="expected">The expected distance.</param>
    /// <returns>The allowed difference.</returns>
    protected double Tolerance(double expected) => DistanceTolerance * (1 + Math.Abs(expected));

    /// <summary>Creates an index that is disposed after the test.</summary>
    /// <param name="metric">The metric.</param>
    /// <param name="aggregation">The aggregation.</param>
    /// <returns>The index.</returns>
    protected ISupportIndex Create(VectorMetric metric, KShotAggregation aggregation)
    {
        var index = CreateIndex(metric, aggregation);
        _created.Add(index);
        return index;
    }

    private void ShouldBeClose(float[] actual, float[] expected)
    {
        actual.Should().HaveCount(expected.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            ((double)actual[i]).Should().BeApproximately(expected[i], Tolerance(expected[i]));
        }
    }

    private static float[] Basis(int dimension, int axis, float scale)
    {
        var v = new float[dimension];
        v[axis] = scale;
        return v;
    }

    private static float[] RandomVector(Random random, int dimension) =>
        Enumerable.Range(0, dimension).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();

    private static float[] Mean(float[][] rows)
    {
        var mean = new float[rows[0].Length];
        foreach (var row in rows)
        {
            for (int j = 0; j < mean.Length; j++)
            {
                mean[j] += row[j];
            }
        }

        for (int j = 0; j < mean.Length; j++)
        {
            mean[j] /= rows.Length;
        }

        return mean;
    }
}
