using Siamese.Net.Distances;
using Siamese.Net.Inference;
using Siamese.Net.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Inference;

public sealed class TensorSupportIndexTests
{
    private const int D = 16;

    public static TheoryData<string, KShotAggregation> Configurations() => new()
    {
        { "euclidean", KShotAggregation.NearestSample },
        { "euclidean", KShotAggregation.Prototype },
        { "cosine", KShotAggregation.NearestSample },
        { "cosine", KShotAggregation.Prototype },
        { "manhattan", KShotAggregation.NearestSample },
        { "manhattan", KShotAggregation.Prototype },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Search_matches_a_brute_force_over_the_distance_matrix(string distanceName, KShotAggregation aggregation)
    {
        using var scope = NewDisposeScope();
        var distance = MakeDistance(distanceName);
        var support = MakeSupport(seed: 1, classes: 12);
        using var index = new TensorSupportIndex(distance, new TensorSupportIndexOptions { Aggregation = aggregation });
        foreach (var (label, embeddings) in support)
        {
            index.Add(label, embeddings);
        }

        var queries = RandomEmbeddings(seed: 2, rows: 20);
        var found = index.Search(queries, k: 4);

        var expected = BruteForce(support, queries, distance, aggregation, k: 4);
        found.Should().HaveCount(20);
        for (int q = 0; q < 20; q++)
        {
            found[q].Select(m => m.Label).Should().Equal(expected[q].Select(m => m.Label), $"query {q}");
            found[q].Select(m => m.Distance).Should().Equal(expected[q].Select(m => m.Distance), (a, b) => Math.Abs(a - b) < 1e-4);
        }
    }

    [Fact]
    public void Chunked_scoring_gives_the_same_answers_as_one_chunk()
    {
        using var scope = NewDisposeScope();
        var support = MakeSupport(seed: 3, classes: 10);
        using var whole = new TensorSupportIndex();
        using var chunked = new TensorSupportIndex { ScoreBudget = 7 };
        foreach (var (label, embeddings) in support)
        {
            whole.Add(label, embeddings);
            chunked.Add(label, embeddings);
        }

        var queries = RandomEmbeddings(seed: 4, rows: 9);

        // Matrix products of different batch sizes may round differently in the last bits; the answers agree.
        AssertSame(chunked.Search(queries, 3), whole.Search(queries, 3));
    }

    [Fact]
    public void Removing_a_class_leaves_the_others_as_if_it_had_never_been_added()
    {
        using var scope = NewDisposeScope();
        var support = MakeSupport(seed: 5, classes: 8);
        using var withRemoval = new TensorSupportIndex();
        using var without = new TensorSupportIndex();
        foreach (var (label, embeddings) in support)
        {
            withRemoval.Add(label, embeddings);
            if (label != "c3")
            {
                without.Add(label, embeddings);
            }
        }

        withRemoval.Remove("c3").Should().BeTrue();
        withRemoval.Remove("c3").Should().BeFalse();

        var queries = RandomEmbeddings(seed: 6, rows: 15);
        Flatten(withRemoval.Search(queries, 5)).Should().Equal(Flatten(without.Search(queries, 5)));
        withRemoval.Classes.Should().Equal(without.Classes);
        withRemoval.Count.Should().Be(without.Count);
        foreach (var (label, embeddings) in support.Where(s => s.Label != "c3"))
        {
            withRemoval.GetEmbeddings(label).eq(embeddings).all().item<bool>().Should().BeTrue($"class {label} is stored unchanged");
        }
    }

    [Fact]
    public void Adding_to_an_existing_class_appends_shots_and_updates_its_prototype()
    {
        using var scope = NewDisposeScope();
        using var index = new TensorSupportIndex(options: new TensorSupportIndexOptions { Aggregation = KShotAggregation.Prototype });
        index.Add("a", tensor(new float[] { 0, 0, 2, 0 }, 2, 2));
        index.Add("b", tensor(new float[] { 0, 3 }, 1, 2));
        var query = tensor(new float[] { 1, 0 }, 1, 2);
        index.Search(query, 1)[0][0].Label.Should().Be("a");
        index.Search(query, 1)[0][0].Distance.Should().BeApproximately(0, 1e-5);

        index.Add("a", tensor(new float[] { 1, 3 }, 1, 2));

        // Prototype of a is now (1, 1): distance 1 from (1, 0).
        index.GetEmbeddings("a").shape.Should().Equal(3, 2);
        var match = index.Search(query, 1)[0][0];
        match.Label.Should().Be("a");
        match.Distance.Should().BeApproximately(1, 1e-5);
        index.Count.Should().Be(4);
    }

    [Fact]
    public void Adding_rows_with_a_label_each_equals_adding_class_by_class()
    {
        using var scope = NewDisposeScope();
        var support = MakeSupport(seed: 9, classes: 6);
        using var perClass = new TensorSupportIndex();
        foreach (var (label, embeddings) in support)
        {
            perClass.Add(label, embeddings);
        }

        // The same rows interleaved: order of first appearance gives the same class order.
        var rows = support.SelectMany(s => Enumerable.Range(0, (int)s.Embeddings.shape[0]).Select(i => (s.Label, Row: s.Embeddings[i]))).ToList();
        var shuffled = rows.Where((_, i) => i % 2 == 0).Concat(rows.Where((_, i) => i % 2 == 1)).ToList();
        using var bulk = new TensorSupportIndex();
        bulk.Add(shuffled.Select(r => r.Label).ToArray(), stack(shuffled.Select(r => r.Row).ToArray()));

        var queries = RandomEmbeddings(seed: 10, rows: 12);
        AssertSame(bulk.Search(queries, 3), perClass.Search(queries, 3));
        bulk.Count.Should().Be(perClass.Count);
        FluentActions.Invoking(() => bulk.Add(["a", ""], zeros(2, D))).Should().Throw<ArgumentException>().WithMessage("*labels[1]*");
        FluentActions.Invoking(() => bulk.Add(["a"], zeros(2, D))).Should().Throw<ArgumentException>().WithMessage("*[1, D]*[2, 16]*");
    }

    [Fact]
    public void Asking_for_more_classes_than_exist_returns_all_of_them()
    {
        using var scope = NewDisposeScope();
        using var index = new TensorSupportIndex();
        index.Add("a", tensor(new float[] { 0, 0 }, 1, 2));
        index.Add("b", tensor(new float[] { 5, 0, 6, 0 }, 2, 2));

        var found = index.Search(tensor(new float[] { 4, 0 }, 1, 2), k: 10)[0];

        found.Select(m => m.Label).Should().Equal("b", "a");
        found[0].Distance.Should().BeApproximately(1, 1e-5);
        found[1].Distance.Should().BeApproximately(4, 1e-5);
    }

    [Fact]
    public void Concurrent_searches_and_changes_to_an_unrelated_class_keep_answers_stable()
    {
        using var scope = NewDisposeScope();
        var support = MakeSupport(seed: 7, classes: 10);
        using var index = new TensorSupportIndex();
        foreach (var (label, embeddings) in support)
        {
            index.Add(label, embeddings);
        }

        var queries = RandomEmbeddings(seed: 8, rows: 40);
        var sequential = Enumerable.Range(0, 40).Select(i => index.Search(queries.narrow(0, i, 1), 1)[0][0]).ToArray();
        var far = full(3, D, 1000f);

        var parallel = new SupportMatch[40];
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                index.Add("far-away", far);
                index.Remove("far-away");
            }
        });
        Parallel.For(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using var threadScope = NewDisposeScope();
            parallel[i] = index.Search(queries.narrow(0, i, 1), 1)[0][0];
        });
        stop.Cancel();
        writer.Wait();

        parallel.Should().Equal(sequential);
    }

    [Fact]
    public void Bad_input_says_what_is_wrong()
    {
        using var scope = NewDisposeScope();
        using var index = new TensorSupportIndex();
        FluentActions.Invoking(() => index.Search(zeros(1, 4), 1))
            .Should().Throw<InvalidOperationException>().WithMessage("*support index is empty*");
        FluentActions.Invoking(() => index.Add("a", zeros(0, 4)))
            .Should().Throw<ArgumentException>().WithMessage("*class 'a' must be [K, D] with K >= 1*[0, 4]*");
        FluentActions.Invoking(() => index.Add("a", zeros(4)))
            .Should().Throw<ArgumentException>().WithMessage("*must be [K, D]*[4]*");
        FluentActions.Invoking(() => index.Add("", zeros(1, 4))).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => index.Add("a", full(1, 4, float.NaN)))
            .Should().Throw<ArgumentException>().WithMessage("*NaN or infinity*");
        index.Add("a", zeros(1, 4));
        FluentActions.Invoking(() => index.Add("b", zeros(1, 5)))
            .Should().Throw<ArgumentException>().WithMessage("*holds 4-dimensional*have 5*");
        FluentActions.Invoking(() => index.Search(zeros(2, 3), 1))
            .Should().Throw<ArgumentException>().WithMessage("*[Q, 4]*[2, 3]*");
        FluentActions.Invoking(() => index.Search(zeros(2, 4), 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => index.Search(full(2, 4, float.NaN), 1))
            .Should().Throw<ArgumentException>().WithMessage("*Query embeddings 0..1 contain NaN*");
        FluentActions.Invoking(() => index.GetEmbeddings("zzz")).Should().Throw<KeyNotFoundException>().WithMessage("*'zzz'*");
    }

    public static TheoryData<string, KShotAggregation> VectorConfigurations() => new()
    {
        { "euclidean", KShotAggregation.NearestSample },
        { "euclidean", KShotAggregation.Prototype },
        { "cosine", KShotAggregation.NearestSample },
        { "cosine", KShotAggregation.Prototype },
    };

    [Theory]
    [MemberData(nameof(VectorConfigurations))]
    public void The_tensor_index_and_the_managed_exact_index_give_the_same_answers(string distanceName, KShotAggregation aggregation)
    {
        using var scope = NewDisposeScope();
        var distance = MakeDistance(distanceName);
        var support = MakeSupport(seed: 21, classes: 15);
        using var tensorIndex = new TensorSupportIndex(distance, new TensorSupportIndexOptions { Aggregation = aggregation });
        using var managed = new ExactSupportIndex(distance.Metric, aggregation);
        foreach (var (label, embeddings) in support)
        {
            tensorIndex.Add(label, embeddings);
            managed.Add(Enumerable.Repeat(label, (int)embeddings.shape[0]).ToArray(), embeddings.contiguous().data<float>().ToArray());
        }

        var queries = RandomEmbeddings(seed: 22, rows: 25);
        tensorIndex.Metric.Should().BeSameAs(distance.Metric);
        AssertSame(tensorIndex.Search(queries.data<float>().ToArray(), 4), managed.Search(queries.data<float>().ToArray(), 4), tolerance: 1e-4);
        tensorIndex.Classes.Should().Equal(managed.Classes);
        tensorIndex.Count.Should().Be(managed.Count);
    }

    [Fact]
    public void Span_and_tensor_overloads_agree()
    {
        using var scope = NewDisposeScope();
        var support = MakeSupport(seed: 23, classes: 5);
        using var viaTensor = new TensorSupportIndex();
        using var viaSpan = new TensorSupportIndex();
        foreach (var (label, embeddings) in support)
        {
            viaTensor.Add(label, embeddings);
            viaSpan.Add(Enumerable.Repeat(label, (int)embeddings.shape[0]).ToArray(), embeddings.contiguous().data<float>().ToArray());
        }

        var queries = RandomEmbeddings(seed: 24, rows: 6);
        AssertSame(viaSpan.Search(queries.data<float>().ToArray(), 2), viaTensor.Search(queries, 2));
        viaSpan.GetVectors("c2").Should().Equal(support[2].Embeddings.data<float>().ToArray());
        viaSpan.Dimension.Should().Be(D);
    }

    [Fact]
    public void Rename_keeps_the_examples_and_the_place_of_a_class()
    {
        using var scope = NewDisposeScope();
        using var index = new TensorSupportIndex();
        index.Add("a", tensor(new float[] { 0, 0 }, 1, 2));
        index.Add("b", tensor(new float[] { 5, 0 }, 1, 2));

        index.Rename("a", "alice").Should().BeTrue();
        index.Rename("zzz", "x").Should().BeFalse();

        index.Classes.Should().Equal("alice", "b");
        index.Search(tensor(new float[] { 1, 0 }, 1, 2), 1)[0][0].Label.Should().Be("alice");
        FluentActions.Invoking(() => index.Rename("alice", "b")).Should().Throw<ArgumentException>().WithMessage("*'b' already exists*");
        FluentActions.Invoking(() => index.Rename("alice", "")).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void A_distance_without_a_vector_metric_gets_a_metric_named_after_it()
    {
        using var index = new TensorSupportIndex(new ManhattanDistance());
        index.Metric.Name.Should().Be("manhattan");
        index.Metric.Distance([0f, 0f], [1f, -2f]).Should().BeApproximately(3f, 1e-6f);
    }

    [Fact]
    public void Dispose_twice_is_fine_and_any_use_afterwards_names_the_index()
    {
        var index = new TensorSupportIndex();
        index.Add("a", ones(1, 3));
        index.Dispose();
        index.Dispose();

        FluentActions.Invoking(() => index.Search(ones(1, 3), 1)).Should().Throw<ObjectDisposedException>().Which.ObjectName.Should().EndWith(nameof(TensorSupportIndex));
        FluentActions.Invoking(() => index.Add("b", ones(1, 3))).Should().Throw<ObjectDisposedException>().Which.ObjectName.Should().EndWith(nameof(TensorSupportIndex));
        FluentActions.Invoking(() => index.Classes).Should().Throw<ObjectDisposedException>().Which.ObjectName.Should().EndWith(nameof(TensorSupportIndex));
        FluentActions.Invoking(() => index.Remove("a")).Should().Throw<ObjectDisposedException>().Which.ObjectName.Should().EndWith(nameof(TensorSupportIndex));
    }

    [Theory]
    [InlineData("euclidean")]
    [InlineData("cosine")]
    public void The_bfloat16_candidate_pass_returns_the_exact_neighbours_and_float32_distances(string distanceName)
    {
        using var scope = NewDisposeScope();
        var distance = MakeDistance(distanceName);
        var generator = new Generator(31);
        // Clustered data: 300 classes of 3 shots around random centres, queries near a centre (the realistic case).
        var centres = randn(300, D, generator: generator);
        var shots = centres.repeat_interleave(3, dim: 0) + (0.3 * randn(900, D, generator: generator));
        var labels = Enumerable.Range(0, 900).Select(i => $"c{i / 3}").ToArray();
        using var exact = new TensorSupportIndex(distance, new TensorSupportIndexOptions { CandidatePrecision = null });
        using var fast = new TensorSupportIndex(distance, new TensorSupportIndexOptions { CandidatePrecision = ScalarType.BFloat16, CandidatePassMinimumRows = 1 });
        exact.Add(labels, shots);
        fast.Add(labels, shots);
        var queries = centres.narrow(0, 0, 50) + (0.3 * randn(50, D, generator: generator));

        var expected = exact.Search(queries, 3);
        var actual = fast.Search(queries, 3);

        // Distances come from the float32 re-rank, so they equal the exact path's up to GEMM-vs-batched rounding.
        AssertSame(actual, expected, tolerance: 1e-4);
    }

    private static IDistance MakeDistance(string name) => name switch
    {
        "euclidean" => new EuclideanDistance(),
        "cosine" => new CosineDistance(),
        _ => new ManhattanDistance(),
    };

    private static Tensor RandomEmbeddings(int seed, int rows)
    {
        var generator = new Generator((ulong)seed);
        return randn(rows, D, generator: generator);
    }

    private static List<(string Label, Tensor Embeddings)> MakeSupport(int seed, int classes)
    {
        var generator = new Generator((ulong)seed);
        return Enumerable.Range(0, classes)
            .Select(c => ($"c{c}", randn(1 + (c % 4), D, generator: generator)))
            .ToList();
    }

    private static List<SupportMatch>[] BruteForce(
        List<(string Label, Tensor Embeddings)> support, Tensor queries, IDistance distance, KShotAggregation aggregation, int k)
    {
        var perClass = support.Select(s =>
        {
            var d = aggregation == KShotAggregation.Prototype
                ? distance.Matrix(queries, s.Embeddings.mean([0], keepdim: true)).squeeze(1)
                : distance.Matrix(queries, s.Embeddings).amin([1]);
            return (s.Label, Distances: d.data<float>().ToArray());
        }).ToList();
        return Enumerable.Range(0, (int)queries.shape[0])
            .Select(q => perClass.Select(c => new SupportMatch(c.Label, c.Distances[q])).OrderBy(m => m.Distance).Take(k).ToList())
            .ToArray();
    }

    private static void AssertSame(IReadOnlyList<SupportMatch>[] actual, IReadOnlyList<SupportMatch>[] expected, double tolerance = 1e-5)
    {
        actual.Should().HaveSameCount(expected);
        for (int q = 0; q < actual.Length; q++)
        {
            actual[q].Select(m => m.Label).Should().Equal(expected[q].Select(m => m.Label));
            actual[q].Select(m => m.Distance).Should().Equal(expected[q].Select(m => m.Distance), (a, b) => Math.Abs(a - b) < tolerance);
        }
    }

    private static string[] Flatten(IReadOnlyList<SupportMatch>[] results) =>
        results.SelectMany(r => r.Select(m => $"{m.Label}:{m.Distance:R}")).ToArray();
}
