using System.IO.Compression;
using System.Text.Json.Nodes;
using Siamese.Net.Distances;
using Siamese.Net.Encoders;
using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using Siamese.Net.Search;
using TorchSharp;
using static Siamese.Net.Tests.Inference.OneShotClassifierTests;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Inference;

public sealed class OneShotClassifierPersistenceTests : IDisposable
{
    private static readonly ImagePreprocessing Preprocessing = new() { Width = 20, Height = 20, Invert = true, Mean = [0.1f], Std = [0.5f] };
    private readonly string _folder = Directory.CreateTempSubdirectory("siamese-save-").FullName;
    private readonly DisposeScope _scope = NewDisposeScope();

    public void Dispose()
    {
        _scope.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void A_loaded_classifier_predicts_exactly_as_before()
    {
        var support = Patterns(4, seed: 30);
        var path = Path.Combine(_folder, "model.siamese");
        var queries = support.Select((s, i) => Noisy(s, 500 + i)).Append(Patterns(1, seed: 31)[0]).ToArray();
        IReadOnlyList<OneShotPrediction> before;
        using (var original = new OneShotClassifier(
            MakeEncoder(seed: 1), Preprocessing,
            new OneShotClassifierOptions { Aggregation = KShotAggregation.Prototype, Distance = new CosineDistance(1e-6), TopK = 3, BatchSize = 2 }))
        {
            for (int c = 0; c < 4; c++)
            {
                original.AddClass($"class-{c}", [support[c], Noisy(support[c], 600 + c)]);
            }

            before = original.PredictBatch(queries);
            original.Threshold = (before[0].Distance + before[4].Distance) / 2;
            before = original.PredictBatch(queries);
            original.Save(path);
        }

        // A freshly initialised encoder with other weights: Load must replace them.
        using var loaded = OneShotClassifier.Load(path, MakeEncoder(seed: 2));
        var after = loaded.PredictBatch(queries);

        after.Should().HaveCount(before.Count);
        for (int i = 0; i < before.Count; i++)
        {
            after[i].Label.Should().Be(before[i].Label);
            after[i].Distance.Should().Be(before[i].Distance);
            after[i].IsUnknown.Should().Be(before[i].IsUnknown);
            after[i].Candidates.Should().Equal(before[i].Candidates);
        }

        before.Count(p => p.IsUnknown).Should().BeInRange(1, 4, "the threshold separates some queries");
        loaded.Preprocessing.Should().Be(Preprocessing);
        loaded.Distance.Should().BeOfType<CosineDistance>().Which.Epsilon.Should().Be(1e-6);
        loaded.Aggregation.Should().Be(KShotAggregation.Prototype);
        loaded.TopK.Should().Be(3);
        loaded.BatchSize.Should().Be(2);
        loaded.Classes.Should().Equal("class-0", "class-1", "class-2", "class-3");
        Directory.GetFiles(_folder).Should().Equal([path], "the temporary file is moved into place");
    }

    [Fact]
    public void Saving_over_an_existing_file_replaces_it()
    {
        var path = Path.Combine(_folder, "model.siamese");
        File.WriteAllText(path, "old contents");
        using (var classifier = new OneShotClassifier(MakeEncoder(), Preprocessing))
        {
            classifier.AddClassEmbeddings("only", ones(1, 8));
            classifier.Save(path);
        }

        using var loaded = OneShotClassifier.Load(path, MakeEncoder());
        loaded.Classes.Should().Equal("only");
        loaded.Threshold.Should().BeNull();
    }

    [Fact]
    public void A_file_from_another_architecture_fails_with_a_clear_message()
    {
        var path = SaveSmall();

        FluentActions.Invoking(() => OneShotClassifier.Load(path, MakeEncoder(embeddingSize: 16)))
            .Should().Throw<InvalidDataException>().WithMessage("*different architecture*EmbeddingSize = 8*EmbeddingSize = 16*");
        FluentActions.Invoking(() => OneShotClassifier.Load(path, new Conv4Encoder(new EncoderOptions { InputHeight = 20, InputWidth = 20 })))
            .Should().Throw<InvalidDataException>().WithMessage("*file holds a Siamese.Net.Encoders.SmallCnn*given encoder is a Siamese.Net.Encoders.Conv4Encoder*");
        FluentActions.Invoking(() => OneShotClassifier.Load(path, new SiameseNetwork(MakeEncoder())))
            .Should().Throw<InvalidDataException>().WithMessage("*SiameseNetwork(Siamese.Net.Encoders.SmallCnn)*");
    }

    [Fact]
    public void The_sig_net_variant_is_part_of_the_architecture()
    {
        var options = new EncoderOptions { InputHeight = 32, InputWidth = 32, EmbeddingSize = 8 };
        var lrn = ClassifierFile.Describe(new SigNet(options, SigNetVariant.LocalResponseNorm));
        var batchNorm = ClassifierFile.Describe(new SigNet(options, SigNetVariant.BatchNorm));

        lrn.Type.Should().Be("Siamese.Net.Encoders.SigNet[LocalResponseNorm]");
        batchNorm.Type.Should().Be("Siamese.Net.Encoders.SigNet[BatchNorm]");
    }

    [Fact]
    public void A_file_of_another_format_version_fails_with_a_clear_message()
    {
        var path = SaveSmall();
        EditManifest(path, m => m["FormatVersion"] = 99);

        FluentActions.Invoking(() => OneShotClassifier.Load(path, MakeEncoder()))
            .Should().Throw<InvalidDataException>().WithMessage("*format version 99*reads format versions 2 and 3*");
    }

    [Fact]
    public void An_embedding_size_mismatch_fails_with_a_clear_message()
    {
        var path = SaveSmall();
        EditManifest(path, m => m["EmbeddingSize"] = 6);

        FluentActions.Invoking(() => OneShotClassifier.Load(path, MakeEncoder()))
            .Should().Throw<InvalidDataException>().WithMessage("*Embedding-size mismatch*size 6*encoder produces embeddings of size 8*");
    }

    [Fact]
    public void A_file_that_is_not_a_classifier_fails_with_a_clear_message()
    {
        var path = Path.Combine(_folder, "notes.siamese");
        File.WriteAllText(path, "hello");

        FluentActions.Invoking(() => OneShotClassifier.Load(path, MakeEncoder()))
            .Should().Throw<InvalidDataException>().WithMessage("*not a Siamese.Net one-shot classifier file*");
        FluentActions.Invoking(() => OneShotClassifier.Load(Path.Combine(_folder, "absent.siamese"), MakeEncoder()))
            .Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void A_custom_distance_is_rebuilt_through_a_registry()
    {
        var path = Path.Combine(_folder, "custom.siamese");
        var registry = new DistanceRegistry().Register("scaled-l1", s => new ScaledL1(s["scale"]), d => new Dictionary<string, double> { ["scale"] = ((ScaledL1)d).Scale });
        using (var classifier = new OneShotClassifier(MakeEncoder(), Preprocessing, new OneShotClassifierOptions { Distance = new ScaledL1(3) }))
        {
            classifier.AddClassEmbeddings("a", ones(2, 8));
            classifier.Save(path, registry);
        }

        FluentActions.Invoking(() => OneShotClassifier.Load(path, MakeEncoder()))
            .Should().Throw<InvalidDataException>().WithMessage("*saved with the distance 'scaled-l1'*registry does not know*");
        using var loaded = OneShotClassifier.Load(path, MakeEncoder(), registry);
        loaded.Distance.Should().BeOfType<ScaledL1>().Which.Scale.Should().Be(3);
    }

    private string SaveSmall()
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.siamese");
        using var classifier = new OneShotClassifier(MakeEncoder(), Preprocessing);
        classifier.AddClass("a", Patterns(2, seed: 40));
        classifier.Save(path);
        return path;
    }

    /// <summary>Replaces a saved classifier's manifest with an edited copy and signs it again.</summary>
    internal static void EditManifest(string path, Action<JsonObject> edit)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.GetEntry("manifest.json")!;
        JsonObject manifest;
        using (var reader = new StreamReader(entry.Open()))
        {
            manifest = JsonNode.Parse(reader.ReadToEnd())!.AsObject();
        }

        edit(manifest);
        entry.Delete();
        // Re-sign the edited manifest: these tests check value validation, not damage detection.
        var bytes = System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString());
        using (var stream = zip.CreateEntry("manifest.json").Open())
        {
            stream.Write(bytes);
        }

        zip.GetEntry("manifest.sha256")!.Delete();
        using var hash = new StreamWriter(zip.CreateEntry("manifest.sha256").Open());
        hash.Write(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)).ToLowerInvariant());
    }

    private sealed class ScaledL1(double scale) : IDistance
    {
        public double Scale => scale;

        public string Name => "scaled-l1";

        public Tensor Pairwise(Tensor first, Tensor second) => (first - second).abs().sum(1) / scale;

        public Tensor Matrix(Tensor queries, Tensor references) => cdist(queries, references, p: 1) / scale;
    }
}
