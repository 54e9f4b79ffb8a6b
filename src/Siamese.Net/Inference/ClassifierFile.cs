using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Siamese.Net.Distances;
using Siamese.Net.Encoders;
using Siamese.Net.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Inference;

/// <summary>
/// The saved form of a <see cref="OneShotClassifier"/>: a zip archive with <c>manifest.json</c> (format version,
/// encoder architecture, preprocessing, distance, aggregation, threshold, classes), <c>encoder.bin</c> (TorchSharp
/// state dict) and <c>support.f32</c> (support embeddings, little-endian float32, rows grouped by class in manifest
/// order).
/// </summary>
internal static class ClassifierFile
{
    public const string FormatName = "Siamese.Net.OneShotClassifier";
    public const int FormatVersion = 1;

    private const string ManifestEntry = "manifest.json";
    private const string EncoderEntry = "encoder.bin";
    private const string SupportEntry = "support.f32";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static void Write(string path, OneShotClassifier classifier, ISupportIndex index)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                using (var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
                {
                    WriteArchive(zip, classifier, index);
                }

                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    public static OneShotClassifier Read(
        string path, nn.Module<Tensor, Tensor> encoder, IDistance? distance, IImageDecoder? decoder, ILogger<OneShotClassifier>? logger)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Classifier file '{path}' does not exist.", path);
        }

        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"'{path}' is not a Siamese.Net one-shot classifier file (not a zip archive).", ex);
        }

        using (zip)
        {
            var manifest = ReadManifest(zip, path);
            CheckArchitecture(manifest.Encoder, Describe(encoder), path);

            using (var weights = OpenEntry(zip, EncoderEntry, path))
            {
                using var buffer = new MemoryStream();
                weights.CopyTo(buffer);
                buffer.Position = 0;
                using var reader = new BinaryReader(buffer, System.Text.Encoding.UTF8, leaveOpen: true);
                encoder.load(reader, strict: true);
            }

            var preprocessing = ImagePreprocessing.FromJson(manifest.Preprocessing);
            var options = new OneShotClassifierOptions
            {
                Distance = RestoreDistance(manifest.Distance, distance, path),
                Aggregation = manifest.Aggregation,
                Threshold = manifest.Threshold,
                TopK = manifest.TopK,
                BatchSize = manifest.BatchSize,
                Decoder = decoder,
            };
            var classifier = new OneShotClassifier(encoder, preprocessing, options, index: null, logger);
            try
            {
                ReadSupport(zip, manifest, classifier, encoder, path);
            }
            catch
            {
                classifier.Dispose();
                throw;
            }

            return classifier;
        }
    }

    internal static EncoderDescription Describe(nn.Module<Tensor, Tensor> encoder)
    {
        var inner = (encoder as SiameseNetwork)?.Encoder;
        string type = TypeName(encoder);
        if (inner is not null)
        {
            type += $"({TypeName(inner)})";
        }

        var image = (inner ?? encoder) as ImageEncoder;
        var state = encoder.state_dict();
        return new EncoderDescription(
            type,
            image is null ? null : new ImageEncoderShape(image.InputChannels, image.InputHeight, image.InputWidth, image.EmbeddingSize, image.NormalizeEmbeddings),
            state.Select(kv => new ParameterShape(kv.Key, kv.Value.shape, kv.Value.dtype.ToString())).ToList());
    }

    // Constructor choices that change the computation but not necessarily the state dict are part of the type.
    private static string TypeName(nn.Module module) =>
        module is SigNet signet ? $"{module.GetType().FullName}[{signet.Variant}]" : module.GetType().FullName!;

    private static void WriteArchive(ZipArchive zip, OneShotClassifier classifier, ISupportIndex index)
    {
        var classes = index.Classes;
        var counts = new List<ClassEntry>(classes.Count);
        var support = zip.CreateEntry(SupportEntry, CompressionLevel.NoCompression);
        using (var stream = support.Open())
        {
            foreach (var label in classes)
            {
                using var scope = NewDisposeScope();
                var embeddings = index.GetEmbeddings(label);
                counts.Add(new ClassEntry(label, checked((int)embeddings.shape[0])));
                WriteFloats(stream, embeddings.contiguous().data<float>().ToArray());
            }
        }

        var encoder = zip.CreateEntry(EncoderEntry, CompressionLevel.Fastest);
        using (var stream = encoder.Open())
        {
            // TorchSharp's save(Stream) closes the stream; write through a writer that leaves the buffer open.
            using var buffer = new MemoryStream();
            using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                classifier.Encoder.save(writer);
            }

            buffer.Position = 0;
            buffer.CopyTo(stream);
        }

        var manifest = new Manifest
        {
            Format = FormatName,
            FormatVersion = FormatVersion,
            Library = typeof(ClassifierFile).Assembly.GetName().Version?.ToString() ?? "unknown",
            Encoder = Describe(classifier.Encoder),
            Preprocessing = classifier.Preprocessing.ToJson(),
            Distance = DescribeDistance(classifier.Distance),
            Aggregation = classifier.Aggregation,
            Threshold = classifier.Threshold,
            TopK = classifier.TopK,
            BatchSize = classifier.BatchSize,
            EmbeddingSize = index.EmbeddingSize,
            Classes = counts,
        };
        using var manifestStream = zip.CreateEntry(ManifestEntry, CompressionLevel.Optimal).Open();
        JsonSerializer.Serialize(manifestStream, manifest, Json);
    }

    private static Manifest ReadManifest(ZipArchive zip, string path)
    {
        Manifest? manifest;
        using (var stream = OpenEntry(zip, ManifestEntry, path))
        {
            try
            {
                manifest = JsonSerializer.Deserialize<Manifest>(stream, Json);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"'{path}' has an unreadable {ManifestEntry}: {ex.Message}", ex);
            }
        }

        if (manifest is null || manifest.Format != FormatName)
        {
            throw new InvalidDataException($"'{path}' is not a Siamese.Net one-shot classifier file (format '{manifest?.Format}').");
        }

        if (manifest.FormatVersion != FormatVersion)
        {
            throw new InvalidDataException(
                $"'{path}' has classifier format version {manifest.FormatVersion} (written by Siamese.Net {manifest.Library}); " +
                $"this version of Siamese.Net reads format version {FormatVersion} only.");
        }

        if (manifest.Encoder is null || manifest.Preprocessing is null || manifest.Distance is null || manifest.Classes is null)
        {
            throw new InvalidDataException($"'{path}' has an incomplete {ManifestEntry}.");
        }

        return manifest;
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

    private static void ReadSupport(ZipArchive zip, Manifest manifest, OneShotClassifier classifier, nn.Module<Tensor, Tensor> encoder, string path)
    {
        if (manifest.Classes.Count == 0)
        {
            return;
        }

        int d = manifest.EmbeddingSize ?? throw new InvalidDataException($"'{path}' has support classes but no embedding size.");
        var producedSize = ((encoder as SiameseNetwork)?.Encoder as ImageEncoder ?? encoder as ImageEncoder)?.EmbeddingSize;
        if (producedSize is int produced && produced != d)
        {
            throw new InvalidDataException(
                $"Embedding-size mismatch in '{path}': the support embeddings have size {d} but the encoder produces embeddings of size {produced}.");
        }

        long rows = manifest.Classes.Sum(c => (long)c.Count);
        byte[] bytes;
        using (var stream = OpenEntry(zip, SupportEntry, path))
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            bytes = buffer.ToArray();
        }

        if (bytes.LongLength != rows * d * sizeof(float))
        {
            throw new InvalidDataException(
                $"Embedding-size mismatch in '{path}': {rows} support embeddings of size {d} need {rows * d * sizeof(float)} bytes, the file has {bytes.LongLength}.");
        }

        var labels = new List<string>(checked((int)rows));
        foreach (var entry in manifest.Classes)
        {
            if (entry.Count < 1 || string.IsNullOrEmpty(entry.Label))
            {
                throw new InvalidDataException($"'{path}' lists class '{entry.Label}' with {entry.Count} support embeddings.");
            }

            labels.AddRange(Enumerable.Repeat(entry.Label, entry.Count));
        }

        using var embeddings = tensor(ReadFloats(bytes), [rows, d]);
        classifier.AddEmbeddings(labels, embeddings);
    }

    private static DistanceEntry DescribeDistance(IDistance distance) => distance switch
    {
        EuclideanDistance e => new DistanceEntry(e.Name, e.Epsilon),
        CosineDistance c => new DistanceEntry(c.Name, c.Epsilon),
        _ => new DistanceEntry(distance.Name, null),
    };

    private static IDistance RestoreDistance(DistanceEntry saved, IDistance? given, string path)
    {
        if (given is not null)
        {
            if (given.Name != saved.Name)
            {
                throw new InvalidDataException($"'{path}' was saved with the '{saved.Name}' distance, but a '{given.Name}' distance was given.");
            }

            return given;
        }

        return saved.Name switch
        {
            "euclidean" => saved.Epsilon is double e ? new EuclideanDistance(e) : new EuclideanDistance(),
            "cosine" => saved.Epsilon is double c ? new CosineDistance(c) : new CosineDistance(),
            "manhattan" => new ManhattanDistance(),
            _ => throw new InvalidDataException(
                $"'{path}' was saved with the custom distance '{saved.Name}'; pass an instance of it to OneShotClassifier.Load."),
        };
    }

    private static Stream OpenEntry(ZipArchive zip, string name, string path) =>
        (zip.GetEntry(name) ?? throw new InvalidDataException($"'{path}' is not a complete Siamese.Net classifier file: '{name}' is missing.")).Open();

    private static void WriteFloats(Stream stream, float[] values)
    {
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Saving classifiers requires a little-endian platform.");
        }

        stream.Write(bytes);
    }

    private static float[] ReadFloats(byte[] bytes)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Loading classifiers requires a little-endian platform.");
        }

        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    private static string Format(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";

    internal sealed record ImageEncoderShape(int InputChannels, int InputHeight, int InputWidth, int EmbeddingSize, bool NormalizeEmbeddings);

    internal sealed record ParameterShape(string Name, long[] Shape, string DType);

    internal sealed record EncoderDescription(string Type, ImageEncoderShape? Image, List<ParameterShape> Parameters);

    internal sealed record DistanceEntry(string Name, double? Epsilon);

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

        public List<ClassEntry> Classes { get; set; } = null!;
    }
}
