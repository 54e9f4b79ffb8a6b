using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Siamese.Net.Distances;
using Siamese.Net.Embedding;
using Siamese.Net.Encoders;
using Siamese.Net.Imaging;
using Siamese.Net.Search;
using Siamese.Net.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Inference;

/// <summary>
/// The saved form of a <see cref="OneShotClassifier"/> (<c>*.siamese</c>), format version 2, or 3 when it uses test-time
/// augmentation: a zip archive with <c>manifest.json</c> (format version, encoder architecture, preprocessing, distance,
/// aggregation, threshold, test-time augmentation, classes,
/// and the SHA-256 of every other entry), <c>manifest.sha256</c> (the SHA-256 of <c>manifest.json</c>),
/// <c>encoder.bin</c> (TorchSharp state dict) and <c>support.f32</c> (support embeddings, little-endian float32,
/// rows grouped by class in manifest order).
/// </summary>
/// <remarks>
/// Reading verifies every checksum and validates every value before any module is touched; a damaged or invalid file
/// gives <see cref="InvalidDataException"/> naming the file and the damaged entry or value. Writing builds the archive in
/// memory, reads it back through the same checks, and only then replaces the target atomically.
/// </remarks>
internal static class ClassifierFile
{
    public const string FormatName = "Siamese.Net.OneShotClassifier";
    public const int FormatVersion = 3;

    /// <summary>
    /// The version of a file without test-time augmentation, which every reader of version 2 reads. A writer stamps 3
    /// only on files that use it, so an older reader, which would silently embed without it, refuses them instead.
    /// </summary>
    public const int BaseFormatVersion = 2;

    private const string ManifestEntry = "manifest.json";
    private const string ManifestHashEntry = "manifest.sha256";
    private const string EncoderEntry = "encoder.bin";
    private const string SupportEntry = "support.f32";
    private const string SiameseType = "Siamese.Net.SiameseNetwork";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
    };

    public static void Write(string path, OneShotClassifier classifier, DistanceRegistry distances)
    {
        var encoder = classifier.Encoder;
        CheckAlive(encoder, path);
        var bytes = Build(classifier, distances);
        // Read the archive back through the loader's checks before the target is touched.
        Inspect(bytes, path, distances);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    public static OneShotClassifier Read(string path, nn.Module<Tensor, Tensor>? encoder, DistanceRegistry distances, IImageDecoder? decoder, ILogger<OneShotClassifier>? logger)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Classifier file '{path}' does not exist.", path);
        }

        var contents = Inspect(File.ReadAllBytes(path), path, distances);
        var manifest = contents.Manifest;
        bool built = encoder is null;
        encoder ??= Rebuild(manifest, contents.Distance, path);
        try
        {
            if (encoder is SiameseNetwork siamese && siamese.Distance.Name != contents.Distance.Name)
            {
                throw new InvalidDataException(
                    $"'{path}' was saved with the '{contents.Distance.Name}' distance, but the given Siamese network uses '{siamese.Distance.Name}'.");
            }

            CheckArchitecture(manifest.Encoder, Describe(encoder), path);
            LoadWeights(encoder, contents.EncoderBytes, path, restoreOnFailure: !built);
            var options = new OneShotClassifierOptions
            {
                Distance = encoder is SiameseNetwork ? null : contents.Distance,
                Aggregation = manifest.Aggregation,
                Threshold = manifest.Threshold,
                TopK = manifest.TopK,
                BatchSize = manifest.BatchSize,
                Decoder = decoder,
                TestTimeAugmentation = contents.TestTimeAugmentation,
            };
            var classifier = new OneShotClassifier(encoder, contents.Preprocessing, options, logger);
            try
            {
                if (contents.Labels.Length > 0)
                {
                    using var support = tensor(contents.Support, [contents.Labels.Length, manifest.EmbeddingSize!.Value]);
                    classifier.AddEmbeddings(contents.Labels, support);
                }
            }
            catch
            {
                classifier.Dispose();
                throw;
            }

            return classifier;
        }
        catch (ArgumentException ex)
        {
            if (built)
            {
                encoder.Dispose();
            }

            throw new InvalidDataException($"'{path}' holds a value the classifier rejects: {ex.Message}", ex);
        }
        catch
        {
            if (built)
            {
                encoder.Dispose();
            }

            throw;
        }
    }

    internal static EncoderDescription Describe(nn.Module<Tensor, Tensor> encoder)
    {
        var inner = (encoder as SiameseNetwork)?.Encoder;
        string type = inner is null ? EncoderCatalog.TypeName(encoder) : $"{SiameseType}({EncoderCatalog.TypeName(inner)})";
        var image = (inner ?? encoder) as ImageEncoder;
        var state = encoder.state_dict();
        return new EncoderDescription(
            type,
            image is null ? null : new ImageEncoderShape(image.InputChannels, image.InputHeight, image.InputWidth, image.EmbeddingSize, image.NormalizeEmbeddings),
            state.Select(kv => new ParameterShape(kv.Key, kv.Value.shape, kv.Value.dtype.ToString())).ToList());
    }

    /// <summary>Reads and validates a classifier file's bytes completely, touching no module.</summary>
    internal static Contents Inspect(byte[] bytes, string path, DistanceRegistry distances)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or NotSupportedException or ArgumentException)
        {
            // A damaged end-of-directory record can surface as any of these, depending on the field that was hit.
            throw new InvalidDataException($"'{path}' is not a Siamese.Net one-shot classifier file, or its zip directory is damaged: {ex.Message}", ex);
        }

        using (zip)
        {
            var manifestBytes = ReadEntry(zip, ManifestEntry, path);
            var recorded = Encoding.ASCII.GetString(ReadEntry(zip, ManifestHashEntry, path)).Trim();
            if (recorded != Hash(manifestBytes))
            {
                throw new InvalidDataException($"'{path}' is damaged: the checksum of entry '{ManifestEntry}' does not match (or '{ManifestHashEntry}' is damaged).");
            }

            var manifest = ParseManifest(manifestBytes, path);
            var encoderBytes = ReadVerified(zip, EncoderEntry, manifest, path);
            var supportBytes = ReadVerified(zip, SupportEntry, manifest, path);
            return Validate(manifest, encoderBytes, supportBytes, path, distances);
        }
    }

    private static void CheckAlive(nn.Module<Tensor, Tensor> encoder, string path)
    {
        string message = $"The classifier's encoder was disposed, so it cannot be saved; '{path}' was not touched.";
        Dictionary<string, Tensor> state;
        try
        {
            state = encoder.state_dict();
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or NullReferenceException)
        {
            throw new ObjectDisposedException(message, ex);
        }

        if (state.Values.Any(t => t.IsInvalid) || (state.Count == 0 && encoder is ImageEncoder or SiameseNetwork))
        {
            throw new ObjectDisposedException(encoder.GetName(), message);
        }
    }

    private static byte[] Build(OneShotClassifier classifier, DistanceRegistry distances)
    {
        // Snapshot the support set class by class; a class removed meanwhile is skipped.
        var classes = new List<ClassEntry>();
        using var support = new MemoryStream();
        int? d = classifier.EmbeddingSize;
        foreach (var label in classifier.Classes)
        {
            Tensor embeddings;
            try
            {
                embeddings = classifier.GetClassEmbeddings(label);
            }
            catch (KeyNotFoundException)
            {
                continue;
            }

            using (embeddings)
            {
                classes.Add(new ClassEntry(label, checked((int)embeddings.shape[0])));
                d = checked((int)embeddings.shape[1]);
                support.Write(MemoryMarshal.AsBytes(embeddings.contiguous().data<float>().ToArray().AsSpan()));
            }
        }

        using var weights = new MemoryStream();
        using (var writer = new BinaryWriter(weights, Encoding.UTF8, leaveOpen: true))
        {
            classifier.Encoder.save(writer);
        }

        var encoderBytes = weights.ToArray();
        var supportBytes = support.ToArray();
        var manifest = new Manifest
        {
            Format = FormatName,
            FormatVersion = classifier.TestTimeAugmentation.ViewCount == 1 ? BaseFormatVersion : FormatVersion,
            Library = typeof(ClassifierFile).Assembly.GetName().Version?.ToString() ?? "unknown",
            Encoder = Describe(classifier.Encoder),
            Preprocessing = classifier.Preprocessing.ToJson(),
            Distance = new DistanceEntry(classifier.Distance.Name, new Dictionary<string, double>(distances.Describe(classifier.Distance))),
            Aggregation = classifier.Aggregation,
            Threshold = classifier.Threshold,
            TopK = classifier.TopK,
            BatchSize = classifier.BatchSize,
            TestTimeAugmentation = classifier.TestTimeAugmentation.ViewCount == 1 ? null : classifier.TestTimeAugmentation.Name,
            EmbeddingSize = classes.Count > 0 ? d : null,
            Classes = classes,
            Checksums = new Dictionary<string, string> { [EncoderEntry] = Hash(encoderBytes), [SupportEntry] = Hash(supportBytes) },
        };
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, Json);

        using var archive = new MemoryStream();
        using (var zip = new ZipArchive(archive, ZipArchiveMode.Create, leaveOpen: true))
        {
            WriteEntry(zip, ManifestEntry, manifestBytes, CompressionLevel.Optimal);
            WriteEntry(zip, ManifestHashEntry, Encoding.ASCII.GetBytes(Hash(manifestBytes)), CompressionLevel.NoCompression);
            WriteEntry(zip, EncoderEntry, encoderBytes, CompressionLevel.Fastest);
            WriteEntry(zip, SupportEntry, supportBytes, CompressionLevel.NoCompression);
        }

        return archive.ToArray();
    }

    private static Manifest ParseManifest(byte[] bytes, string path)
    {
        Manifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(bytes, Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' has an unreadable {ManifestEntry}: {ex.Message}", ex);
        }

        if (manifest is null || manifest.Format != FormatName)
        {
            throw new InvalidDataException($"'{path}' is not a Siamese.Net one-shot classifier file (format '{manifest?.Format}').");
        }

        if (manifest.FormatVersion is < BaseFormatVersion or > FormatVersion)
        {
            throw new InvalidDataException(
                $"'{path}' has classifier format version {manifest.FormatVersion} (written by Siamese.Net {manifest.Library}); " +
                $"this version of Siamese.Net reads format versions {BaseFormatVersion} and {FormatVersion}.");
        }

        if (manifest.Encoder?.Type is null || manifest.Encoder.Parameters is null || manifest.Preprocessing is null ||
            manifest.Distance?.Name is null || manifest.Classes is null || manifest.Checksums is null)
        {
            throw new InvalidDataException($"'{path}' has an incomplete {ManifestEntry}.");
        }

        return manifest;
    }

    private static Contents Validate(Manifest manifest, byte[] encoderBytes, byte[] supportBytes, string path, DistanceRegistry distances)
    {
        string Bad(string what) => $"'{path}' has an invalid {ManifestEntry}: {what}.";
        if (!Enum.IsDefined(manifest.Aggregation))
        {
            throw new InvalidDataException(Bad($"aggregation {manifest.Aggregation} is not defined"));
        }

        if (manifest.TopK < 1)
        {
            throw new InvalidDataException(Bad($"top-k is {manifest.TopK}; it must be at least 1"));
        }

        if (manifest.BatchSize < 1)
        {
            throw new InvalidDataException(Bad($"batch size is {manifest.BatchSize}; it must be at least 1"));
        }

        IDistance distance;
        try
        {
            distance = distances.Create(manifest.Distance.Name, manifest.Distance.Settings ?? []);
        }
        catch (KeyNotFoundException ex)
        {
            throw new InvalidDataException($"'{path}' was saved with the distance '{manifest.Distance.Name}', which the distance registry does not know: {ex.Message}", ex);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException(Bad($"the settings of the '{manifest.Distance.Name}' distance are invalid ({ex.Message})"), ex);
        }

        if (manifest.Threshold is double t && (!double.IsFinite(t) || (t < 0 && !distance.IsSimilarity)))
        {
            throw new InvalidDataException(Bad(string.Create(CultureInfo.InvariantCulture, $"threshold is {t}; a {distance.Name} threshold must be finite and non-negative")));
        }

        ImagePreprocessing preprocessing;
        try
        {
            preprocessing = ImagePreprocessing.FromJson(manifest.Preprocessing);
            preprocessing.Validate();
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or InvalidDataException or FormatException)
        {
            throw new InvalidDataException(Bad($"the preprocessing is invalid ({ex.Message})"), ex);
        }

        if (manifest.Encoder.Image is { } image &&
            (image.InputChannels < 1 || image.InputHeight < 1 || image.InputWidth < 1 || image.EmbeddingSize < 1))
        {
            throw new InvalidDataException(Bad($"the encoder's input or embedding size is not positive ({image})"));
        }

        if (manifest.Encoder.Image is { } input &&
            (input.InputChannels != preprocessing.Channels || input.InputHeight != preprocessing.Height || input.InputWidth != preprocessing.Width))
        {
            throw new InvalidDataException(Bad(
                $"the encoder takes [{input.InputChannels}, {input.InputHeight}, {input.InputWidth}] images but the preprocessing produces [{preprocessing.Channels}, {preprocessing.Height}, {preprocessing.Width}]"));
        }

        long parameterBytes = 0;
        foreach (var parameter in manifest.Encoder.Parameters)
        {
            if (parameter?.Name is null || parameter.Shape is null || parameter.Shape.Any(s => s < 0) ||
                !Enum.TryParse<ScalarType>(parameter.DType, out var type) || ElementSize(type) is not int size)
            {
                throw new InvalidDataException(Bad($"the encoder parameter '{parameter?.Name}' has an invalid shape or type"));
            }

            parameterBytes += parameter.Shape.Aggregate(1L, (a, b) => a * b) * size;
        }

        if (encoderBytes.LongLength < parameterBytes)
        {
            throw new InvalidDataException($"'{path}' is damaged: '{EncoderEntry}' has {encoderBytes.LongLength} bytes, fewer than the {parameterBytes} its parameters need.");
        }

        var labels = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in manifest.Classes)
        {
            if (entry is null || string.IsNullOrEmpty(entry.Label) || entry.Count < 1 || !seen.Add(entry.Label))
            {
                throw new InvalidDataException(Bad($"class '{entry?.Label}' is listed with {entry?.Count} support embeddings, or twice"));
            }

            labels.AddRange(Enumerable.Repeat(entry.Label, entry.Count));
        }

        float[] support = [];
        if (labels.Count > 0)
        {
            if (manifest.EmbeddingSize is not int d || d < 1)
            {
                throw new InvalidDataException(Bad($"embedding size is {manifest.EmbeddingSize?.ToString(CultureInfo.InvariantCulture) ?? "missing"}; it must be positive when there are classes"));
            }

            if (manifest.Encoder.Image is { } shape && shape.EmbeddingSize != d)
            {
                throw new InvalidDataException(
                    $"Embedding-size mismatch in '{path}': the support embeddings have size {d} but the encoder produces embeddings of size {shape.EmbeddingSize}.");
            }

            long expected = (long)labels.Count * d * sizeof(float);
            if (supportBytes.LongLength != expected)
            {
                throw new InvalidDataException(
                    $"Embedding-size mismatch in '{path}': {labels.Count} support embeddings of size {d} need {expected} bytes, '{SupportEntry}' has {supportBytes.LongLength}.");
            }

            if (!BitConverter.IsLittleEndian)
            {
                throw new PlatformNotSupportedException("Loading classifiers requires a little-endian platform.");
            }

            support = MemoryMarshal.Cast<byte, float>(supportBytes).ToArray();
            int bad = Array.FindIndex(support, v => !float.IsFinite(v));
            if (bad >= 0)
            {
                throw new InvalidDataException($"'{path}' has a non-finite support embedding value ({support[bad]}) in row {bad / d} of '{SupportEntry}'.");
            }
        }
        else if (supportBytes.Length != 0)
        {
            throw new InvalidDataException($"'{path}' lists no classes but '{SupportEntry}' holds {supportBytes.Length} bytes.");
        }

        TestTimeAugmentation augmentation;
        try
        {
            augmentation = manifest.TestTimeAugmentation is null ? TestTimeAugmentation.None : TestTimeAugmentation.Parse(manifest.TestTimeAugmentation);
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException(Bad($"the test-time augmentation is invalid ({ex.Message})"), ex);
        }

        if ((augmentation.ViewCount > 1) != (manifest.FormatVersion == FormatVersion))
        {
            throw new InvalidDataException(Bad($"format version {manifest.FormatVersion} does not match the test-time augmentation '{augmentation.Name}' (version {FormatVersion} marks a file with one, {BaseFormatVersion} one without)"));
        }

        return new Contents(manifest, distance, preprocessing, augmentation, encoderBytes, support, [.. labels]);
    }

    private static nn.Module<Tensor, Tensor> Rebuild(Manifest manifest, IDistance distance, string path)
    {
        string type = manifest.Encoder.Type;
        bool siamese = type.StartsWith(SiameseType + "(", StringComparison.Ordinal) && type.EndsWith(')');
        string innerType = siamese ? type[(SiameseType.Length + 1)..^1] : type;
        if (!EncoderCatalog.IsKnown(innerType) || manifest.Encoder.Image is not { } image)
        {
            throw new InvalidDataException(
                $"'{path}' holds a {type}, which is not one of the library's encoders; construct it and call OneShotClassifier.Load(path, encoder).");
        }

        var options = new EncoderOptions
        {
            InputChannels = image.InputChannels,
            InputHeight = image.InputHeight,
            InputWidth = image.InputWidth,
            EmbeddingSize = image.EmbeddingSize,
            NormalizeEmbeddings = image.NormalizeEmbeddings,
            // The saved weights replace the initial ones, so there is nothing to draw.
            Seed = null,
        };

        // The manifest records the output width, not whether it came from a projection layer: an encoder whose
        // flattened feature map is its embedding (e.g. Conv4Encoder without EmbeddingSize) is rebuilt without one.
        string prefix = siamese ? "encoder." : string.Empty;
        var savedNames = manifest.Encoder.Parameters.Select(p => p.Name).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        ImageEncoder inner = Build(innerType, options, path);
        if (!Matches(inner, prefix, savedNames))
        {
            var withoutProjection = Build(innerType, options with { EmbeddingSize = null }, path);
            if (withoutProjection.EmbeddingSize == image.EmbeddingSize && Matches(withoutProjection, prefix, savedNames))
            {
                inner.Dispose();
                inner = withoutProjection;
            }
            else
            {
                withoutProjection.Dispose();
            }
        }

        nn.Module<Tensor, Tensor> module = siamese ? new SiameseNetwork(inner, distance) : inner;
        if (manifest.Encoder.Parameters.Any(p => p.DType == nameof(ScalarType.BFloat16)))
        {
            module.to(ScalarType.BFloat16);
        }

        return module;
    }

    private static ImageEncoder Build(string type, EncoderOptions options, string path)
    {
        try
        {
            return EncoderCatalog.Create(type, options)!;
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"'{path}' describes a {type} that cannot be built: {ex.Message}", ex);
        }
    }

    /// <summary>Whether the encoder's state has exactly the saved names under <paramref name="prefix"/> (its field in a SiameseNetwork).</summary>
    private static bool Matches(ImageEncoder encoder, string prefix, HashSet<string> savedNames)
    {
        var names = encoder.state_dict().Keys.Select(k => prefix + k).ToList();
        return names.Count == savedNames.Count && names.All(savedNames.Contains);
    }

    private static void LoadWeights(nn.Module<Tensor, Tensor> encoder, byte[] weights, string path, bool restoreOnFailure)
    {
        // A user's module is restored to its own weights if the file's weights turn out unusable.
        Dictionary<string, Tensor>? snapshot = null;
        if (restoreOnFailure)
        {
            snapshot = encoder.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
        }

        try
        {
            using (var reader = new BinaryReader(new MemoryStream(weights, writable: false), Encoding.UTF8))
            {
                encoder.load(reader, strict: true);
            }

            var nonFinite = encoder.state_dict().FirstOrDefault(kv => kv.Value.is_floating_point() && !kv.Value.isfinite().all().item<bool>());
            if (nonFinite.Key is not null)
            {
                throw new InvalidDataException($"'{path}' has non-finite encoder weights in '{nonFinite.Key}'.");
            }
        }
        catch (Exception ex) when (snapshot is not null)
        {
            using (no_grad())
            {
                foreach (var (name, value) in encoder.state_dict())
                {
                    if (snapshot.TryGetValue(name, out var saved) && saved.shape.SequenceEqual(value.shape))
                    {
                        value.copy_(saved);
                    }
                }
            }

            if (ex is InvalidDataException)
            {
                throw;
            }

            throw new InvalidDataException($"'{path}' has encoder weights that do not load: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is not InvalidDataException)
        {
            throw new InvalidDataException($"'{path}' has encoder weights that do not load: {ex.Message}", ex);
        }
        finally
        {
            if (snapshot is not null)
            {
                foreach (var t in snapshot.Values)
                {
                    t.Dispose();
                }
            }
        }
    }

    private static void CheckArchitecture(EncoderDescription saved, EncoderDescription given, string path)
    {
        string prefix = $"'{path}' was saved from a different architecture than the encoder given to Load: ";
        if (saved.Type != given.Type)
        {
            throw new InvalidDataException($"{prefix}the file holds a {saved.Type}, the given encoder is a {given.Type}. Construct the saved encoder type.");
        }

        if (saved.Image is not null && given.Image is not null && saved.Image != given.Image)
        {
            throw new InvalidDataException(
                $"{prefix}the file's encoder was built with {saved.Image}, the given one with {given.Image}. Construct it with the same EncoderOptions.");
        }

        var givenByName = given.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var parameter in saved.Parameters)
        {
            if (!givenByName.Remove(parameter.Name, out var other))
            {
                throw new InvalidDataException($"{prefix}the file has parameter '{parameter.Name}' {Format(parameter.Shape)}, which the given encoder lacks.");
            }

            if (!parameter.Shape.SequenceEqual(other.Shape) || parameter.DType != other.DType)
            {
                throw new InvalidDataException(
                    $"{prefix}parameter '{parameter.Name}' is {parameter.DType} {Format(parameter.Shape)} in the file but {other.DType} {Format(other.Shape)} in the given encoder.");
            }
        }

        if (givenByName.Count > 0)
        {
            throw new InvalidDataException(
                $"{prefix}the given encoder has parameters the file lacks: {string.Join(", ", givenByName.Keys.Take(5))}.");
        }
    }

    private static byte[] ReadVerified(ZipArchive zip, string name, Manifest manifest, string path)
    {
        var bytes = ReadEntry(zip, name, path);
        if (!manifest.Checksums.TryGetValue(name, out var expected) || expected != Hash(bytes))
        {
            throw new InvalidDataException($"'{path}' is damaged: the SHA-256 checksum of entry '{name}' does not match the manifest.");
        }

        return bytes;
    }

    private static byte[] ReadEntry(ZipArchive zip, string name, string path)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"'{path}' is not a complete Siamese.Net classifier file: entry '{name}' is missing.");
        try
        {
            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or NotSupportedException)
        {
            throw new InvalidDataException($"'{path}' is damaged: entry '{name}' cannot be read ({ex.Message}).", ex);
        }
    }

    private static void WriteEntry(ZipArchive zip, string name, byte[] bytes, CompressionLevel level)
    {
        using var stream = zip.CreateEntry(name, level).Open();
        stream.Write(bytes);
    }

    private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private static int? ElementSize(ScalarType type) => type switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 => 8,
        _ => null,
    };

    private static string Format(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";

    internal sealed record Contents(Manifest Manifest, IDistance Distance, ImagePreprocessing Preprocessing, TestTimeAugmentation TestTimeAugmentation, byte[] EncoderBytes, float[] Support, string[] Labels);

    internal sealed record ImageEncoderShape(int InputChannels, int InputHeight, int InputWidth, int EmbeddingSize, bool NormalizeEmbeddings);

    internal sealed record ParameterShape(string Name, long[] Shape, string DType);

    internal sealed record EncoderDescription(string Type, ImageEncoderShape? Image, List<ParameterShape> Parameters);

    internal sealed record DistanceEntry(string Name, Dictionary<string, double>? Settings);

    internal sealed record ClassEntry(string Label, int Count);

    internal sealed class Manifest
    {
        public string? Format { get; set; }

        public int FormatVersion { get; set; }

        public string? Library { get; set; }

        public EncoderDescription Encoder { get; set; } = null!;

        public string Preprocessing { get; set; } = null!;

        public DistanceEntry Distance { get; set; } = null!;

        public KShotAggregation Aggregation { get; set; }

        public double? Threshold { get; set; }

        public int TopK { get; set; }

        public int BatchSize { get; set; }

        public int? EmbeddingSize { get; set; }

        /// <summary>A <see cref="Embedding.TestTimeAugmentation.Name"/>; absent for none (format version 2).</summary>
        public string? TestTimeAugmentation { get; set; }

        public List<ClassEntry> Classes { get; set; } = null!;

        public Dictionary<string, string> Checksums { get; set; } = null!;
    }
}
