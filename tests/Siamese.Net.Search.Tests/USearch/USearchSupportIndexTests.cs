using Siamese.Net.USearch;

namespace Siamese.Net.Search.Tests.USearch;

public sealed class USearchSupportIndexTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("siamese-usearch-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("euclidean", KShotAggregation.NearestSample)]
    [InlineData("cosine", KShotAggregation.NearestSample)]
    [InlineData("inner-product", KShotAggregation.Prototype)]
    [InlineData("cosine", KShotAggregation.Prototype)]
    public void Answers_like_the_exact_index_on_a_few_thousand_embeddings(string metricName, KShotAggregation aggregation)
    {
        var metric = KnownMetrics.FromName(metricName);
        var (labels, vectors) = Clustered(classes: 300, shots: 5, dimension: 32, seed: 7);
        using var exact = new ExactSupportIndex(metric, aggregation);
        using var hnsw = new USearchSupportIndex(metric, aggregation);
        exact.Add(labels, vectors);
        hnsw.Add(labels, vectors);
        var queries = Clustered(classes: 300, shots: 1, dimension: 32, seed: 7, noiseSeed: 99).Vectors;

        var expected = exact.Search(queries, 5);
        var actual = hnsw.Search(queries, 5);

        int agree = 0;
        for (int q = 0; q < expected.Length; q++)
        {
            actual[q].Should().HaveCount(5);
            if (actual[q].Select(m => m.Label).SequenceEqual(expected[q].Select(m => m.Label)))
            {
                agree++;
                for (int i = 0; i < 5; i++)
                {
                    actual[q][i].Distance.Should().BeApproximately(expected[q][i].Distance, 1e-3 * (1 + expected[q][i].Distance));
                }
            }
        }

        agree.Should().BeGreaterThanOrEqualTo(297, "HNSW at default settings finds the true top 5 of nearly every query of 1,500 samples");
    }

    [Fact]
    public void Many_samples_of_one_class_do_not_hide_the_other_classes()
    {
        using var index = new USearchSupportIndex();
        var labels = Enumerable.Repeat("crowd", 200).Append("far").ToArray();
        var vectors = Enumerable.Range(0, 200).SelectMany(i => new[] { i * 1e-3f, 0 }).Concat([100f, 0]).ToArray();
        index.Add(labels, vectors);

        var result = index.Search([0, 0], 2).Single();

        result.Select(m => m.Label).Should().Equal("crowd", "far");
        result[1].Distance.Should().BeApproximately(100, 1e-3);
    }

    [Theory]
    [InlineData(KShotAggregation.NearestSample)]
    [InlineData(KShotAggregation.Prototype)]
    public void Save_then_Load_and_View_give_the_same_answers(KShotAggregation aggregation)
    {
        var (labels, vectors) = Clustered(classes: 50, shots: 3, dimension: 16, seed: 3);
        string path = Path.Combine(_folder, "support.usearch");
        using var original = new USearchSupportIndex(KnownMetrics.Cosine, aggregation);
        original.Add(labels, vectors);
        original.Rename("class0", "renamed");
        original.Remove("class1").Should().BeTrue();
        var queries = vectors.AsSpan(0, 16 * 20).ToArray();
        var expected = original.Search(queries, 3);

        original.Save(path);

        File.Exists(path + ".labels").Should().BeTrue();
        Directory.GetFiles(_folder).Should().HaveCount(2, "the temporary files are renamed, none is left behind");
        foreach (var reopened in new[] { USearchSupportIndex.Load(path), USearchSupportIndex.View(path) })
        {
            using (reopened)
            {
                reopened.Classes.Should().Equal(original.Classes);
                reopened.Count.Should().Be(original.Count);
                reopened.Metric.Should().BeSameAs(KnownMetrics.Cosine);
                reopened.Aggregation.Should().Be(aggregation);
                reopened.GetVectors("renamed").Should().BeEquivalentTo(original.GetVectors("renamed"), o => o.Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-5f)).WhenTypeIs<float>());
                var actual = reopened.Search(queries, 3);
                for (int q = 0; q < expected.Length; q++)
                {
                    actual[q].Select(m => m.Label).Should().Equal(expected[q].Select(m => m.Label));
                }
            }
        }
    }

    [Fact]
    public void A_loaded_index_can_change_and_a_view_cannot()
    {
        string path = Path.Combine(_folder, "support.usearch");
        using (var original = new USearchSupportIndex())
        {
            original.Add(["a", "b"], [0, 0, 1, 1]);
            original.Save(path);
        }

        using var loaded = USearchSupportIndex.Load(path);
        loaded.Add(["c", "a"], [5, 5, 0, 1]);
        loaded.Classes.Should().Equal("a", "b", "c");
        loaded.Search([5, 5], 1).Single()[0].Label.Should().Be("c");
        loaded.GetVectors("a").Should().Equal(0, 0, 0, 1);

        using var view = USearchSupportIndex.View(path);
        view.IsReadOnly.Should().BeTrue();
        view.Invoking(v => v.Add(["c"], [5, 5])).Should().Throw<NotSupportedException>();
        view.Invoking(v => v.Remove("a")).Should().Throw<NotSupportedException>();
        view.Rename("a", "alice").Should().BeTrue();
        view.Search([0, 0], 1).Single()[0].Label.Should().Be("alice");
    }

    [Fact]
    public void A_torn_or_damaged_pair_of_files_is_refused()
    {
        string first = Path.Combine(_folder, "first.usearch");
        string second = Path.Combine(_folder, "second.usearch");
        using (var index = new USearchSupportIndex())
        {
            index.Add(["a"], [0, 0]);
            index.Save(first);
            index.Add(["b"], [1, 1]);
            index.Save(second);
        }

        // The labels of one save beside the graph of another.
        File.Copy(second + ".labels", first + ".labels", overwrite: true);
        FluentActions.Invoking(() => USearchSupportIndex.Load(first)).Should().Throw<InvalidDataException>().WithMessage("*torn or mixed*");

        // A flipped byte inside the label file.
        var bytes = File.ReadAllBytes(second + ".labels");
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(second + ".labels", bytes);
        FluentActions.Invoking(() => USearchSupportIndex.View(second)).Should().Throw<InvalidDataException>().WithMessage("*checksum*");

        File.Delete(second + ".labels");
        FluentActions.Invoking(() => USearchSupportIndex.Load(second)).Should().Throw<FileNotFoundException>();
    }

    [Theory]
    [InlineData(USearchQuantization.F16, "cosine")]
    [InlineData(USearchQuantization.I8, "cosine")]
    [InlineData(USearchQuantization.F16, "euclidean")]
    public void Quantized_storage_keeps_the_nearest_class(USearchQuantization quantization, string metricName)
    {
        var metric = KnownMetrics.FromName(metricName);
        var (labels, vectors) = Clustered(classes: 100, shots: 2, dimension: 32, seed: 11);
        using var exact = new ExactSupportIndex(metric);
        using var index = new USearchSupportIndex(metric, options: new USearchIndexOptions { Quantization = quantization });
        exact.Add(labels, vectors);
        index.Add(labels, vectors);
        var queries = Clustered(classes: 100, shots: 1, dimension: 32, seed: 11, noiseSeed: 5).Vectors;

        var expected = exact.Search(queries, 1);
        var actual = index.Search(queries, 1);

        int agree = Enumerable.Range(0, expected.Length).Count(q => actual[q][0].Label == expected[q][0].Label);
        agree.Should().BeGreaterThanOrEqualTo(98);
        double tolerance = quantization == USearchQuantization.I8 ? 0.05 : 0.01;
        for (int q = 0; q < expected.Length; q++)
        {
            if (actual[q][0].Label == expected[q][0].Label)
            {
                actual[q][0].Distance.Should().BeApproximately(expected[q][0].Distance, tolerance * (1 + expected[q][0].Distance));
            }
        }
    }

    [Fact]
    public void Options_and_metrics_are_checked_at_the_boundary()
    {
        FluentActions.Invoking(() => new USearchSupportIndex(options: new USearchIndexOptions { Connectivity = 1 }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Connectivity");
        FluentActions.Invoking(() => new USearchSupportIndex(options: new USearchIndexOptions { ExpansionSearch = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("ExpansionSearch");
        FluentActions.Invoking(() => new USearchSupportIndex(options: new USearchIndexOptions { Quantization = (USearchQuantization)9 }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Quantization");
        FluentActions.Invoking(() => new USearchSupportIndex(KnownMetrics.Euclidean, options: new USearchIndexOptions { Quantization = USearchQuantization.I8 }))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("options");
        FluentActions.Invoking(() => new USearchSupportIndex(KnownMetrics.InnerProduct, options: new USearchIndexOptions { Quantization = USearchQuantization.I8 }))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("options");
        FluentActions.Invoking(() => new USearchSupportIndex(new ManhattanMetric()))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("metric");
        FluentActions.Invoking(() => new USearchSupportIndex(dimension: 0))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("dimension");
    }

    [Fact]
    public void The_search_expansion_changes_at_run_time_and_is_saved()
    {
        string path = Path.Combine(_folder, "tuned.usearch");
        using (var index = new USearchSupportIndex())
        {
            index.Add(["a", "b"], [0, 0, 1, 1]);
            index.Invoking(i => i.ChangeExpansionSearch(0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("ExpansionSearch");
            index.ChangeExpansionSearch(300);
            index.Options.ExpansionSearch.Should().Be(300);
            index.Search([1, 1], 1).Single()[0].Label.Should().Be("b");
            index.Save(path);
        }

        using var loaded = USearchSupportIndex.Load(path);
        loaded.Options.ExpansionSearch.Should().Be(300);
        loaded.Search([0, 0.1f], 1).Single()[0].Label.Should().Be("a");
    }

    [Fact]
    public void A_configured_dimension_is_enforced_from_the_first_add()
    {
        using var index = new USearchSupportIndex(dimension: 3);

        index.Dimension.Should().Be(3);
        index.Invoking(i => i.Add(["a"], [1, 2])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("vectors");
    }

    /// <summary>Class centres on the unit sphere, samples a little noise around them.</summary>
    internal static (string[] Labels, float[] Vectors) Clustered(int classes, int shots, int dimension, int seed, int? noiseSeed = null)
    {
        var centres = new Random(seed);
        var noise = new Random(noiseSeed ?? (seed + 1));
        var labels = new List<string>();
        var vectors = new List<float>();
        var centre = new float[dimension];
        for (int c = 0; c < classes; c++)
        {
            for (int j = 0; j < dimension; j++)
            {
                centre[j] = (float)Gaussian(centres);
            }

            float norm = MathF.Sqrt(centre.Sum(v => v * v));
            for (int s = 0; s < shots; s++)
            {
                labels.Add($"class{c}");
                var sample = centre.Select(v => (v / norm) + (float)(0.05 * Gaussian(noise))).ToArray();
                float sampleNorm = MathF.Sqrt(sample.Sum(v => v * v));
                vectors.AddRange(sample.Select(v => v / sampleNorm));
            }
        }

        return (labels.ToArray(), vectors.ToArray());
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private sealed class ManhattanMetric : VectorMetric
    {
        public override string Name => "manhattan";

        public override float Distance(ReadOnlySpan<float> first, ReadOnlySpan<float> second) =>
            System.Numerics.Tensors.TensorPrimitives.SumOfMagnitudes(first.ToArray().Zip(second.ToArray(), (a, b) => a - b).ToArray());
    }
}
