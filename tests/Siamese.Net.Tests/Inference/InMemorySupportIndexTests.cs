using Siamese.Net.Distances;
using Siamese.Net.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Inference;

public sealed class InMemorySupportIndexTests
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
        using var index = new InMemorySupportIndex(distance, aggregation);
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
        using var whole = new InMemorySupportIndex();
        using var chunked = new InMemorySupportIndex { ScoreBudget = 7 };
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
        using var withRemoval = new InMemorySupportIndex();
        using var without = new InMemorySupportIndex();
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
        withRemoval.SampleCount.Should().Be(without.SampleCount);
        foreach (var (label, embeddings) in support.Where(s => s.Label != "c3"))
        {
            withRemoval.GetEmbeddings(label).eq(embeddings).all().item<bool>().Should().BeTrue($"class {label} is stored unchanged");
        }
    }

    [Fact]
    public void Adding_to_an_existing_class_appends_shots_and_updates_its_prototype()
    {
        using var scope = NewDisposeScope();
        using var index = new InMemorySupportIndex(aggregation: KShotAggregation.Prototype);
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
        index.SampleCount.Should().Be(4);
    }

    [Fact]
    public void Adding_rows_with_a_label_each_equals_adding_class_by_class()
    {
        using var scope = NewDisposeScope();
        var support = MakeSupport(seed: 9, classes: 6);
        using var perClass = new InMemorySupportIndex();
        foreach (var (label, embeddings) in support)
        {
            perClass.Add(label, embeddings);
        }

        // The same rows interleaved: order of first appearance gives the same class order.
        var rows = support.SelectMany(s => Enumerable.Range(0, (int)s.Embeddings.shape[0]).Select(i => (s.Label, Row: s.Embeddings[i]))).ToList();
        var shuffled = rows.Where((_, i) => i % 2 == 0).Concat(rows.Where((_, i) => i % 2 == 1)).ToList();
        using var bulk = new InMemorySupportIndex();
        bulk.Add(shuffled.Select(r => r.Label).ToArray(), stack(shuffled.Select(r => r.Row).ToArray()));

        var queries = RandomEmbeddings(seed: 10, rows: 12);
        AssertSame(bulk.Search(queries, 3), perClass.Search(queries, 3));
        bulk.SampleCount.Should().Be(perClass.SampleCount);
        FluentActions.Invoking(() => bulk.Add(["a", ""], zeros(2, D))).Should().Throw<ArgumentException>().WithMessage("*labels[1]*");
        FluentActions.Invoking(() => bulk.Add(["a"], zeros(2, D))).Should().Throw<ArgumentException>().WithMessage("*[1, D]*[2, 16]*");
    }

    [Fact]
    public void Asking_for_more_classes_than_exist_returns_all_of_them()
    {
        using var scope = NewDisposeScope();
        using var index = new InMemorySupportIndex();
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
        using var index = new InMemorySupportIndex();
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
        using var index = new InMemorySupportIndex();
        FluentActions.Invoking(() => index.Search(zeros(1, 4), 1))
            .Should().Throw<InvalidOperationException>().WithMessage("*support set is empty*");
        FluentActions.Invoking(() => index.Add("a", zeros(0, 4)))
            .Should().Throw<ArgumentException>().WithMessage("*Class 'a' has no support embeddings*");
        FluentActions.Invoking(() => index.Add("a", zeros(4)))
            .Should().Throw<ArgumentException>().WithMessage("*must be [K, D]*[4]*");
        FluentActions.Invoking(() => index.Add("", zeros(1, 4))).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => index.Add("a", full(1, 4, float.NaN)))
            .Should().Throw<ArgumentException>().WithMessage("*NaN or infinity*");
        index.Add("a", zeros(1, 4));
        FluentActions.Invoking(() => index.Add("b", zeros(1, 5)))
            .Should().Throw<ArgumentException>().WithMessage("*size 5*size 4*");
        FluentActions.Invoking(() => index.Search(zeros(2, 3), 1))
            .Should().Throw<ArgumentException>().WithMessage("*[Q, 4]*[2, 3]*");
        FluentActions.Invoking(() => index.Search(zeros(2, 4), 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => index.Search(full(2, 4, float.NaN), 1))
            .Should().Throw<ArgumentException>().WithMessage("*Query embeddings 0..1 contain NaN*");
        FluentActions.Invoking(() => index.GetEmbeddings("zzz")).Should().Throw<KeyNotFoundException>().WithMessage("*'zzz'*");
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

    private static void AssertSame(IReadOnlyList<SupportMatch>[] actual, IReadOnlyList<SupportMatch>[] expected)
    {
        actual.Should().HaveSameCount(expected);
        for (int q = 0; q < actual.Length; q++)
        {
            actual[q].Select(m => m.Label).Should().Equal(expected[q].Select(m => m.Label));
            actual[q].Select(m => m.Distance).Should().Equal(expected[q].Select(m => m.Distance), (a, b) => Math.Abs(a - b) < 1e-5);
        }
    }

    private static string[] Flatten(IReadOnlyList<SupportMatch>[] results) =>
        results.SelectMany(r => r.Select(m => $"{m.Label}:{m.Distance:R}")).ToArray();
}
