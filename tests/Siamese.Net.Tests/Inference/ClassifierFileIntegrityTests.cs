using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Siamese.Net.Distances;
using Siamese.Net.Encoders;
using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using TorchSharp;
using Xunit.Abstractions;
using static Siamese.Net.Tests.Inference.OneShotClassifierTests;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Inference;

/// <summary>Classifier files: checksums, validation before any module is touched, and rebuilding the library's encoders.</summary>
public sealed class ClassifierFileIntegrityTests(ITestOutputHelper output) : IDisposable
{
    private static readonly ImagePreprocessing Preprocessing = new() { Width = 20, Height = 20 };
    private readonly string _folder = Directory.CreateTempSubdirectory("siamese-integrity-").FullName;
    private readonly DisposeScope _scope = NewDisposeScope();

    public void Dispose()
    {
        _scope.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    public static TheoryData<string> LibraryEncoders() => ["smallcnn", "siamese-conv4-cosine", "siamese-conv4-flattened", "signet-batchnorm", "face"];

    [Theory]
    [MemberData(nameof(LibraryEncoders))]
    public void Load_rebuilds_the_library_s_own_encoders_from_the_manifest(string kind)
    {
        manual_seed(5);
        using var encoder = kind switch
        {
            "smallcnn" => (nn.Module<Tensor, Tensor>)MakeEncoder(),
            "siamese-conv4-cosine" => new SiameseNetwork(new Conv4Encoder(new EncoderOptions { InputHeight = 20, InputWidth = 20, EmbeddingSize = 8, NormalizeEmbeddings = true }), new CosineDistance()),
            "signet-batchnorm" => new SigNet(new EncoderOptions { InputHeight = 32, InputWidth = 32, EmbeddingSize = 8 }, SigNetVariant.BatchNorm),
            // No projection: the flattened feature map is the embedding, and the manifest records only its width.
            "siamese-conv4-flattened" => new SiameseNetwork(new Conv4Encoder(new EncoderOptions { InputHeight = 20, InputWidth = 20 })),
            _ => new FaceSimilarityNet(new EncoderOptions { InputHeight = 20, InputWidth = 20, EmbeddingSize = 5 }),
        };
        int side = kind == "signet-batchnorm" ? 32 : 20;
        var preprocessing = new ImagePreprocessing { Width = side, Height = side };
        var path = Path.Combine(_folder, $"{kind}.siamese");
        var support = Patterns(3, seed: 6);
        var queries = support.Select((s, i) => Noisy(s, 60 + i)).ToArray();
        IReadOnlyList<Siamese.Net.Search.OneShotPrediction> before;
        using (var classifier = new OneShotClassifier(encoder, preprocessing))
        {
            for (int c = 0; c < 3; c++)
            {
                classifier.AddClass($"c{c}", [support[c]]);
            }

            before = classifier.PredictBatch(queries);
            classifier.Save(path);
        }

        using var loaded = OneShotClassifier.Load(path);
        using var rebuilt = loaded.Encoder;

        rebuilt.GetType().Should().Be(encoder.GetType());
        loaded.Distance.Name.Should().Be(Siamese.Net.Embedding.Embedder.DistanceOf(encoder).Name);
        var after = loaded.PredictBatch(queries);
        after.Select(p => (p.NearestLabel, p.Distance)).Should().Equal(before.Select(p => (p.NearestLabel, p.Distance)));
    }

    [Fact]
    public void A_user_encoder_needs_the_overload_that_takes_it()
    {
        var path = Path.Combine(_folder, "user.siamese");
        using var encoder = nn.Sequential(("flatten", nn.Flatten()), ("linear", nn.Linear(400, 8)));
        using (var classifier = new OneShotClassifier(encoder, Preprocessing))
        {
            classifier.AddClass("a", Patterns(1, seed: 7));
            classifier.Save(path);
        }

        FluentActions.Invoking(() => OneShotClassifier.Load(path))
            .Should().Throw<InvalidDataException>().WithMessage("*not one of the library's encoders*Load(path, encoder)*");
        using var fresh = nn.Sequential(("flatten", nn.Flatten()), ("linear", nn.Linear(400, 8)));
        using var loaded = OneShotClassifier.Load(path, fresh);
        loaded.Classes.Should().Equal("a");
    }

    [Theory]
    [InlineData("support.f32")]
    [InlineData("encoder.bin")]
    [InlineData("manifest.json")]
    public void A_damaged_entry_is_named(string entry)
    {
        var path = SaveSmall();
        Rewrite(path, (name, bytes) =>
        {
            if (name == entry)
            {
                bytes[bytes.Length / 2] ^= 0x10;
            }

            return bytes;
        }, resign: false);

        FluentActions.Invoking(() => OneShotClassifier.Load(path, MakeEncoder()))
            .Should().Throw<InvalidDataException>().WithMessage($"*{Path.GetFileName(path)}*damaged*'{entry}'*");
    }

    public static TheoryData<string, string> CorruptValues() => new()
    {
        { "Threshold", "-1" },
        { "TopK", "0" },
        { "BatchSize", "0" },
        { "EmbeddingSize", "0" },
        { "Aggregation", "\"Median\"" },
    };

    [Theory]
    [MemberData(nameof(CorruptValues))]
    public void Corrupt_values_give_invalid_data_and_leave_the_caller_s_encoder_untouched(string field, string json)
    {
        var path = SaveSmall(threshold: 0.5);
        Rewrite(path, (name, bytes) => name == "manifest.json" ? EditJson(bytes, m => m[field] = JsonNode.Parse(json)) : bytes, resign: true);
        using var encoder = MakeEncoder(seed: 9);
        var weights = Snapshot(encoder);

        FluentActions.Invoking(() => OneShotClassifier.Load(path, encoder)).Should().Throw<InvalidDataException>().WithMessage($"*{Path.GetFileName(path)}*");

        SameWeights(encoder, weights).Should().BeTrue("a failed load must not touch the caller's module");
    }

    [Fact]
    public void A_zero_width_preprocessing_gives_invalid_data()
    {
        var path = SaveSmall();
        Rewrite(path, (name, bytes) => name == "manifest.json"
            ? EditJson(bytes, m =>
            {
                var preprocessing = JsonNode.Parse(m["Preprocessing"]!.GetValue<string>())!.AsObject();
                preprocessing["Width"] = 0;
                m["Preprocessing"] = preprocessing.ToJsonString();
            })
            : bytes, resign: true);

        FluentActions.Invoking(() => OneShotClassifier.Load(path, MakeEncoder())).Should().Throw<InvalidDataException>().WithMessage("*preprocessing*");
    }

    [Fact]
    public void Non_finite_support_or_weights_give_invalid_data_and_the_caller_s_weights_are_restored()
    {
        var path = SaveSmall();
        Rewrite(path, (name, bytes) =>
        {
            if (name == "support.f32")
            {
                BitConverter.GetBytes(float.NaN).CopyTo(bytes, 4);
            }

            return bytes;
        }, resign: true);
        FluentActions.Invoking(() => OneShotClassifier.Load(path, MakeEncoder())).Should().Throw<InvalidDataException>().WithMessage("*non-finite support*");

        // Weights with a NaN, written by a module of the same architecture and signed as if saved that way.
        var nanPath = Path.Combine(_folder, "nan.siamese");
        using (var poisoned = MakeEncoder(seed: 3))
        {
            using (no_grad())
            {
                poisoned.parameters().First().fill_(float.NaN);
            }

            using var classifier = new OneShotClassifier(poisoned, Preprocessing);
            classifier.AddClassEmbeddings("a", ones(1, 8));
            classifier.Save(nanPath);
        }

        using var encoder = MakeEncoder(seed: 4);
        var weights = Snapshot(encoder);
        FluentActions.Invoking(() => OneShotClassifier.Load(nanPath, encoder)).Should().Throw<InvalidDataException>().WithMessage("*non-finite encoder weights*");
        SameWeights(encoder, weights).Should().BeTrue();
    }

    [Theory]
    [InlineData("anywhere")]
    [InlineData("outside-the-weights")]
    public void Random_single_bit_flips_are_detected_or_leave_the_content_unchanged(string region)
    {
        var path = SaveSmall(threshold: 0.75);
        var original = File.ReadAllBytes(path);
        using var reference = OneShotClassifier.Load(path);
        var referenceWeights = Snapshot(reference.Encoder);
        // The compressed weights are ~99 % of the file; the second region is everything else: zip headers, the central
        // directory, the manifest, its hash and the support embeddings.
        int weightsStart = IndexOf(original, "encoder.bin"u8, 0) + "encoder.bin".Length;
        int weightsEnd = IndexOf(original, "PK\u0003\u0004"u8, weightsStart);
        var positions = region == "anywhere"
            ? Enumerable.Range(0, original.Length).ToArray()
            : Enumerable.Range(0, original.Length).Where(i => i < weightsStart || i >= weightsEnd).ToArray();
        var random = new Random(2026);
        int detected = 0, unchanged = 0;
        var silent = new List<string>();
        var wrongType = new List<string>();
        for (int trial = 0; trial < 200; trial++)
        {
            int at = positions[random.Next(positions.Length)];
            int bit = random.Next(8);
            var flipped = (byte[])original.Clone();
            flipped[at] ^= (byte)(1 << bit);
            File.WriteAllBytes(path, flipped);
            try
            {
                using var loaded = OneShotClassifier.Load(path);
                using var encoder = loaded.Encoder;
                if (SameContent(loaded, reference, referenceWeights))
                {
                    unchanged++;
                    output.WriteLine($"unchanged content: byte {at} bit {bit}");
                }
                else
                {
                    silent.Add($"byte {at} bit {bit}");
                }
            }
            catch (InvalidDataException)
            {
                detected++;
            }
            catch (Exception ex)
            {
                wrongType.Add($"byte {at} bit {bit}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        output.WriteLine($"{region}: {positions.Length} of {original.Length} bytes; 200 single-bit flips: {detected} detected (InvalidDataException), {unchanged} loaded with identical content, {silent.Count} silent changes, {wrongType.Count} other exceptions.");
        foreach (var line in wrongType)
        {
            output.WriteLine(line);
        }

        silent.Should().BeEmpty("no flip may load different content without an error");
        wrongType.Should().BeEmpty("damage is reported as InvalidDataException");
        (detected + unchanged).Should().Be(200);
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle, int start)
    {
        int found = haystack.AsSpan(start).IndexOf(needle);
        return found < 0 ? throw new InvalidOperationException("marker not found") : start + found;
    }

    [Fact]
    public void Saving_leaves_no_temporary_file_and_the_saved_file_verifies()
    {
        var path = SaveSmall();

        Directory.GetFiles(_folder).Should().Equal([path]);
        using var zip = ZipFile.OpenRead(path);
        zip.Entries.Select(e => e.FullName).Should().BeEquivalentTo(["manifest.json", "manifest.sha256", "encoder.bin", "support.f32"]);
        JsonNode manifest;
        using (var stream = zip.GetEntry("manifest.json")!.Open())
        {
            manifest = JsonNode.Parse(stream)!;
        }

        using var support = zip.GetEntry("support.f32")!.Open();
        using var buffer = new MemoryStream();
        support.CopyTo(buffer);
        manifest["Checksums"]!["support.f32"]!.GetValue<string>().Should().Be(Convert.ToHexString(SHA256.HashData(buffer.ToArray())).ToLowerInvariant());
    }

    private string SaveSmall(double? threshold = null)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.siamese");
        using var encoder = MakeEncoder();
        using var classifier = new OneShotClassifier(encoder, Preprocessing, new OneShotClassifierOptions { Threshold = threshold, Distance = new CosineDistance() });
        classifier.AddClass("a", Patterns(2, seed: 40));
        classifier.AddClass("b", Patterns(1, seed: 41));
        classifier.Save(path);
        return path;
    }

    private static bool SameContent(OneShotClassifier loaded, OneShotClassifier reference, Dictionary<string, Tensor> weights)
    {
        if (!loaded.Classes.SequenceEqual(reference.Classes) || loaded.Threshold != reference.Threshold || loaded.TopK != reference.TopK ||
            loaded.BatchSize != reference.BatchSize || loaded.Aggregation != reference.Aggregation || loaded.Preprocessing != reference.Preprocessing ||
            loaded.Distance.Name != reference.Distance.Name || !SameWeights(loaded.Encoder, weights))
        {
            return false;
        }

        return loaded.Classes.All(c =>
        {
            using var a = loaded.GetClassEmbeddings(c);
            using var b = reference.GetClassEmbeddings(c);
            return a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
        });
    }

    private static Dictionary<string, Tensor> Snapshot(nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

    private static bool SameWeights(nn.Module module, Dictionary<string, Tensor> weights)
    {
        var state = module.state_dict();
        return state.Count == weights.Count && state.All(kv =>
            weights.TryGetValue(kv.Key, out var w) && w.shape.SequenceEqual(kv.Value.shape) && w.eq(kv.Value).all().item<bool>());
    }

    private static byte[] EditJson(byte[] bytes, Action<JsonObject> edit)
    {
        var manifest = JsonNode.Parse(bytes)!.AsObject();
        edit(manifest);
        return Encoding.UTF8.GetBytes(manifest.ToJsonString());
    }

    /// <summary>Rewrites entries; with <paramref name="resign"/> the checksums are recomputed as a writer would.</summary>
    private static void Rewrite(string path, Func<string, byte[], byte[]> edit, bool resign)
    {
        var entries = new Dictionary<string, byte[]>();
        using (var zip = ZipFile.OpenRead(path))
        {
            foreach (var entry in zip.Entries)
            {
                using var stream = entry.Open();
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                entries[entry.FullName] = edit(entry.FullName, buffer.ToArray());
            }
        }

        if (resign)
        {
            var manifest = JsonNode.Parse(entries["manifest.json"])!.AsObject();
            manifest["Checksums"]!["encoder.bin"] = Hash(entries["encoder.bin"]);
            manifest["Checksums"]!["support.f32"] = Hash(entries["support.f32"]);
            entries["manifest.json"] = Encoding.UTF8.GetBytes(manifest.ToJsonString());
            entries["manifest.sha256"] = Encoding.ASCII.GetBytes(Hash(entries["manifest.json"]));
        }

        File.Delete(path);
        using var output = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in entries)
        {
            using var stream = output.CreateEntry(name).Open();
            stream.Write(bytes);
        }
    }

    private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
}
