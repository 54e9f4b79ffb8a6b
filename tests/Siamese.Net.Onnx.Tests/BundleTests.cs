using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Siamese.Net.Onnx.Export;
using Siamese.Net.Search;
using Siamese.Net.Tests.TestSupport;

namespace Siamese.Net.Onnx.Tests;

public sealed class BundleTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly Encoders.Conv4Encoder _encoder = Fixtures.TrainedEncoder(seed: 5);
    private readonly (Dictionary<string, string[]> Support, string[] Known, string[] Strangers) _images;

    public BundleTests() => _images = Fixtures.WriteImages(_folder.Path, classes: 3, seed: 2);

    [Fact]
    public void A_written_bundle_carries_every_setting_and_the_support_set()
    {
        var (labels, rows) = SupportRows(out var embedder);
        using (embedder)
        {
            string path = Write("settings.siamese-onnx", labels, rows, threshold: 1.25, topK: 2, KShotAggregation.Prototype, KnownMetrics.Cosine);
            using var classifier = OnnxOneShotClassifier.Load(path);
            classifier.Threshold.Should().Be(1.25);
            classifier.TopK.Should().Be(2);
            classifier.Aggregation.Should().Be(KShotAggregation.Prototype);
            classifier.Metric.Should().BeSameAs(KnownMetrics.Cosine);
            classifier.Preprocessing.Should().Be(OnnxImagePreprocessing.FromJson(Fixtures.Preprocessing.ToJson()));
            classifier.Classes.Should().Equal(_images.Support.Keys);
            classifier.GetClassEmbeddings("class-a").Should().Equal(rows.AsSpan(0, 2 * embedder.EmbeddingSize).ToArray());
            using var zip = ZipFile.OpenRead(path);
            zip.Entries.Select(e => e.FullName).Should().BeEquivalentTo("manifest.json", "model.onnx", "support-labels.json", "support-embeddings.f32");
            var manifest = JsonNode.Parse(zip.GetEntry("manifest.json")!.Open())!;
            manifest["formatVersion"]!.GetValue<int>().Should().Be(1, "a bundle without ink normalisation stays readable by version-1 readers");
            manifest["sha256"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo("model.onnx", "support-labels.json", "support-embeddings.f32");
        }
    }

    [Fact]
    public void A_bundle_with_ink_normalisation_is_format_2_and_embeds_as_the_core_classifier()
    {
        var preprocessing = Siamese.Net.Imaging.ImagePreprocessing.InkInvariantSignature(Fixtures.Side, Fixtures.Side);
        var files = Enumerable.Range(0, 4).Select(i =>
        {
            var image = SyntheticInk.Signature(90, 45, seed: 40 + i, ink: i % 2 == 0 ? 0f : 0.4f);
            string file = _folder.Combine($"ink-{i}.png");
            File.WriteAllBytes(file, TestImageWriter.GreyPng(90, 45, SyntheticInk.Levels(image, 90)));
            return file;
        }).ToArray();
        using var core = new Inference.OneShotClassifier(_encoder, preprocessing, new Inference.OneShotClassifierOptions());
        core.AddClass("writer", files[..2]);
        string path = _folder.Combine("ink.siamese-onnx");
        Fixtures.WriteBundle(path, core);

        using (var zip = ZipFile.OpenRead(path))
        {
            var manifest = JsonNode.Parse(zip.GetEntry("manifest.json")!.Open())!;
            manifest["formatVersion"]!.GetValue<int>().Should().Be(2, "a version-1 reader would skip the ink step");
            manifest["preprocessing"]!["InkNormalization"]!.GetValue<string>().Should().Be("OtsuBinarize");
        }

        using var deployed = OnnxOneShotClassifier.Load(path);
        deployed.Preprocessing.InkNormalization.Should().Be(InkNormalization.OtsuBinarize);
        var expected = core.PredictBatch(files[2..]).Select(p => p.Distance).ToArray();
        var actual = deployed.PredictBatch(files[2..]).Select(p => p.Distance).ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            actual[i].Should().BeApproximately(expected[i], 1e-4 * Math.Max(1, expected[i]));
        }
    }

    [Fact]
    public void Save_rewrites_the_bundle_with_the_current_support_set_atomically()
    {
        string path = Write("empty.siamese-onnx", [], [], threshold: null, topK: 1, KShotAggregation.NearestSample, KnownMetrics.Euclidean);
        float[] before;
        using (var classifier = OnnxOneShotClassifier.Load(path))
        {
            foreach (var (label, paths) in _images.Support)
            {
                classifier.AddClass(label, paths);
            }

            classifier.RemoveClass("class-b").Should().BeTrue();
            classifier.RemoveClass("class-b").Should().BeFalse();
            classifier.Threshold = 3.5;
            before = classifier.GetClassEmbeddings("class-c");
            classifier.Save(path); // over the file it was loaded from
        }

        Directory.GetFiles(_folder.Path, "*.tmp").Should().BeEmpty();
        using var reloaded = OnnxOneShotClassifier.Load(path);
        reloaded.Classes.Should().Equal("class-a", "class-c");
        reloaded.Threshold.Should().Be(3.5);
        reloaded.GetClassEmbeddings("class-c").Should().Equal(before);
        reloaded.Predict(_images.Known[0]).NearestLabel.Should().Be("class-a");
    }

    [Theory]
    [InlineData("model.onnx")]
    [InlineData("support-embeddings.f32")]
    [InlineData("support-labels.json")]
    public void A_corrupt_entry_is_named_with_the_file(string entry)
    {
        var (labels, rows) = SupportRows(out var embedder);
        embedder.Dispose();
        string path = Write("corrupt.siamese-onnx", labels, rows, null, 1, KShotAggregation.NearestSample, KnownMetrics.Euclidean);
        Rewrite(path, entry, bytes =>
        {
            bytes[bytes.Length / 2] ^= 0x5A;
            return bytes;
        });
        var act = () => OnnxOneShotClassifier.Load(path);
        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain(path).And.Contain($"'{entry}'").And.Contain("SHA-256");
    }

    [Fact]
    public void A_newer_format_version_a_missing_entry_and_a_non_zip_are_refused()
    {
        string path = Write("v2.siamese-onnx", [], [], null, 1, KShotAggregation.NearestSample, KnownMetrics.Euclidean);
        Rewrite(path, "manifest.json", bytes =>
        {
            var node = JsonNode.Parse(bytes)!;
            node["formatVersion"] = OnnxBundle.FormatVersion + 1;
            return System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
        });
        FluentActions.Invoking(() => OnnxOneShotClassifier.Load(path)).Should().Throw<InvalidDataException>()
            .Which.Message.Should().Contain(path).And.Contain($"format version {OnnxBundle.FormatVersion + 1}");

        string missing = Write("missing.siamese-onnx", [], [], null, 1, KShotAggregation.NearestSample, KnownMetrics.Euclidean);
        using (var zip = ZipFile.Open(missing, ZipArchiveMode.Update))
        {
            zip.GetEntry("model.onnx")!.Delete();
        }

        FluentActions.Invoking(() => OnnxOneShotClassifier.Load(missing)).Should().Throw<InvalidDataException>()
            .Which.Message.Should().Contain(missing).And.Contain("'model.onnx' is missing");

        string garbage = _folder.Combine("garbage.siamese-onnx");
        File.WriteAllText(garbage, "not a zip");
        FluentActions.Invoking(() => OnnxOneShotClassifier.Load(garbage)).Should().Throw<InvalidDataException>().Which.Message.Should().Contain(garbage);
        FluentActions.Invoking(() => OnnxOneShotClassifier.Load(_folder.Combine("absent.siamese-onnx"))).Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void The_writer_refuses_custom_metrics_and_mismatched_support()
    {
        var custom = new ManhattanLike();
        FluentActions.Invoking(() => Write("x.siamese-onnx", [], [], null, 1, KShotAggregation.NearestSample, custom))
            .Should().Throw<ArgumentException>().WithParameterName("metric");
        FluentActions.Invoking(() => Write("y.siamese-onnx", ["a"], new float[3], null, 1, KShotAggregation.NearestSample, KnownMetrics.Euclidean))
            .Should().Throw<ArgumentException>().WithParameterName("embeddings");
        Directory.GetFiles(_folder.Path, "*.siamese-onnx").Should().BeEmpty();
    }

    [Fact]
    public void Predict_is_thread_safe_and_uses_the_injected_index_and_session_options()
    {
        var (labels, rows) = SupportRows(out var embedder);
        embedder.Dispose();
        string path = Write("threads.siamese-onnx", labels, rows, null, 2, KShotAggregation.NearestSample, KnownMetrics.Euclidean);
        int sessionOptionsMade = 0;
        CountingIndex? index = null;
        var options = new OnnxClassifierOptions
        {
            SessionOptionsFactory = () =>
            {
                Interlocked.Increment(ref sessionOptionsMade);
                return new SessionOptions { IntraOpNumThreads = 1 };
            },
            IndexFactory = (metric, aggregation, dimension) => index = new CountingIndex(new ExactSupportIndex(metric, aggregation, dimension)),
            BatchSize = 2,
        };
        var classifier = OnnxOneShotClassifier.Load(path, options);
        string[] queries = [.. _images.Known, .. _images.Strangers];
        var sequential = classifier.PredictBatch(queries).Select(p => (p.NearestLabel, p.Distance)).ToArray();
        var parallel = new (string, double)[16][];
        Parallel.For(0, parallel.Length, i => parallel[i] = queries.Select(q => classifier.Predict(q)).Select(p => (p.NearestLabel, p.Distance)).ToArray());
        parallel.Should().AllSatisfy(result => result.Should().Equal(sequential));
        sequential.Take(3).Select(r => r.NearestLabel).Should().Equal(_images.Support.Keys);
        sessionOptionsMade.Should().Be(1);
        index!.Searches.Should().BeGreaterThan(16);

        classifier.Dispose();
        classifier.Dispose(); // idempotent
        index.Disposed.Should().BeTrue();
        FluentActions.Invoking(() => classifier.Predict(queries[0])).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Writes_the_consumer_check_bundle()
    {
        // .ci/onnx-consumer-check.sh sets SIAMESE_ONNX_CONSUMER_DIR and runs this test to get a bundle, its queries
        // and the TorchSharp classifier's answers; without the variable it writes to a temporary folder.
        string target = Environment.GetEnvironmentVariable("SIAMESE_ONNX_CONSUMER_DIR") is { Length: > 0 } dir ? dir : _folder.Combine("consumer");
        Directory.CreateDirectory(target);
        var (support, known, strangers) = Fixtures.WriteImages(target, classes: 4, seed: 31);
        using var core = new Inference.OneShotClassifier(_encoder, Fixtures.Preprocessing, new Inference.OneShotClassifierOptions { TopK = 2 });
        foreach (var (label, paths) in support.Take(3))
        {
            core.AddClass(label, paths);
        }

        string[] queries = [.. known, .. strangers];
        core.Threshold = Fixtures.ThresholdInWidestGap(core.PredictBatch(queries).Select(p => p.Distance).ToArray());
        string bundle = Path.Combine(target, "consumer.siamese-onnx");
        Fixtures.WriteBundle(bundle, core);
        // The fourth class is left for the consumer to enrol on the deployed side.
        var extra = support.Last();
        File.WriteAllLines(Path.Combine(target, "enrol.txt"), [extra.Key, .. extra.Value.Select(Path.GetFileName)!]);
        var expected = core.PredictBatch(queries).Select((p, i) => $"{Path.GetFileName(queries[i])}\t{p.Label ?? "<unknown>"}").ToArray();
        File.WriteAllLines(Path.Combine(target, "expected.tsv"), expected);

        using var deployed = OnnxOneShotClassifier.Load(bundle);
        deployed.PredictBatch(queries).Select((p, i) => $"{Path.GetFileName(queries[i])}\t{p.Label ?? "<unknown>"}").Should().Equal(expected);
    }

    public void Dispose()
    {
        _encoder.Dispose();
        _folder.Dispose();
    }

    private (string[] Labels, float[] Rows) SupportRows(out OnnxEmbedder embedder)
    {
        embedder = new OnnxEmbedder(OnnxExporter.Export(_encoder), OnnxImagePreprocessing.FromJson(Fixtures.Preprocessing.ToJson()));
        var labels = _images.Support.SelectMany(kv => kv.Value.Select(_ => kv.Key)).ToArray();
        var rows = embedder.Embed(_images.Support.SelectMany(kv => kv.Value).ToArray());
        return (labels, rows);
    }

    private string Write(string name, string[] labels, float[] rows, double? threshold, int topK, KShotAggregation aggregation, VectorMetric metric)
    {
        string path = _folder.Combine(name);
        OnnxBundle.Write(path, _encoder, Fixtures.Preprocessing, metric, threshold, topK, aggregation, labels, rows);
        return path;
    }

    private static void Rewrite(string path, string entryName, Func<byte[], byte[]> change)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.GetEntry(entryName)!;
        byte[] bytes;
        using (var input = entry.Open())
        using (var buffer = new MemoryStream())
        {
            input.CopyTo(buffer);
            bytes = buffer.ToArray();
        }

        entry.Delete();
        using var output = zip.CreateEntry(entryName).Open();
        output.Write(change(bytes));
    }

    private sealed class ManhattanLike : VectorMetric
    {
        public override string Name => "manhattan";

        public override float Distance(ReadOnlySpan<float> first, ReadOnlySpan<float> second) =>
            System.Numerics.Tensors.TensorPrimitives.SumOfMagnitudes(first.ToArray().Zip(second.ToArray(), (a, b) => a - b).ToArray());
    }

    private sealed class CountingIndex(ExactSupportIndex inner) : ISupportIndex
    {
        private int _searches;

        public int Searches => _searches;

        public bool Disposed { get; private set; }

        public VectorMetric Metric => inner.Metric;

        public KShotAggregation Aggregation => inner.Aggregation;

        public int? Dimension => inner.Dimension;

        public IReadOnlyList<string> Classes => inner.Classes;

        public int Count => inner.Count;

        public void Add(IReadOnlyList<string> labels, ReadOnlySpan<float> vectors) => inner.Add(labels, vectors);

        public bool Remove(string label) => inner.Remove(label);

        public bool Rename(string label, string newLabel) => inner.Rename(label, newLabel);

        public float[] GetVectors(string label) => inner.GetVectors(label);

        public IReadOnlyList<SupportMatch>[] Search(ReadOnlySpan<float> queries, int k)
        {
            Interlocked.Increment(ref _searches);
            return inner.Search(queries, k);
        }

        public void Dispose()
        {
            Disposed = true;
            inner.Dispose();
        }
    }
}
