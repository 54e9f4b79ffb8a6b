using System.Security.Cryptography;
using System.Text;
using Siamese.Net.Search;

namespace Siamese.Net.USearch;

/// <summary>
/// The label file beside a saved USearch index: the metric, aggregation, options, classes in order with their graph
/// keys (and, for prototypes, their samples), the index file's length and SHA-256, and a SHA-256 of itself at the end.
/// </summary>
internal sealed class IndexSidecar
{
    public const string Extension = ".labels";
    private const string Magic = "SIAMESE-USEARCH-LABELS";
    private const int FormatVersion = 1;

    public required string Metric { get; init; }

    public required KShotAggregation Aggregation { get; init; }

    public required USearchIndexOptions Options { get; init; }

    public required int Dimension { get; init; }

    public required int NextKey { get; init; }

    public required StoredClass[] Classes { get; init; }

    public static IndexSidecar Read(string path, string indexPath)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The label file of '{indexPath}' is missing (expected '{path}').", path);
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < SHA256.HashSizeInBytes
            || !SHA256.HashData(bytes.AsSpan(0, bytes.Length - SHA256.HashSizeInBytes)).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - SHA256.HashSizeInBytes)))
        {
            throw new InvalidDataException($"'{path}' is damaged: its checksum does not match its content.");
        }

        using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - SHA256.HashSizeInBytes), Encoding.UTF8);
        if (reader.ReadString() != Magic || reader.ReadInt32() is var version && version != FormatVersion)
        {
            throw new InvalidDataException($"'{path}' is not a Siamese.Net USearch label file of format {FormatVersion}.");
        }

        long indexLength = reader.ReadInt64();
        byte[] indexHash = reader.ReadBytes(SHA256.HashSizeInBytes);
        if (!File.Exists(indexPath))
        {
            throw new FileNotFoundException($"The index file '{indexPath}' is missing.", indexPath);
        }

        if (new FileInfo(indexPath).Length != indexLength || !HashFile(indexPath).AsSpan().SequenceEqual(indexHash))
        {
            throw new InvalidDataException($"'{indexPath}' is not the index file its labels '{path}' were saved with (length or SHA-256 differ): the pair is torn or mixed.");
        }

        string metric = reader.ReadString();
        var aggregation = (KShotAggregation)reader.ReadInt32();
        var options = new USearchIndexOptions
        {
            Quantization = (USearchQuantization)reader.ReadInt32(),
            Connectivity = reader.ReadInt32(),
            ExpansionAdd = reader.ReadInt32(),
            ExpansionSearch = reader.ReadInt32(),
            SamplesPerClass = reader.ReadInt32(),
        };
        int dimension = reader.ReadInt32();
        int nextKey = reader.ReadInt32();
        var classes = new StoredClass[reader.ReadInt32()];
        for (int c = 0; c < classes.Length; c++)
        {
            string label = reader.ReadString();
            var keys = new ulong[reader.ReadInt32()];
            var norms = new float[keys.Length];
            for (int i = 0; i < keys.Length; i++)
            {
                keys[i] = reader.ReadUInt64();
                norms[i] = reader.ReadSingle();
            }

            ulong prototypeKey = reader.ReadUInt64();
            var samples = new float[reader.ReadInt32()];
            for (int i = 0; i < samples.Length; i++)
            {
                samples[i] = reader.ReadSingle();
            }

            classes[c] = new StoredClass(label, keys, norms, prototypeKey, samples);
        }

        return new IndexSidecar
        {
            Metric = metric,
            Aggregation = aggregation,
            Options = options,
            Dimension = dimension,
            NextKey = nextKey,
            Classes = classes,
        };
    }

    /// <summary>Writes the label file for the index file just saved at <paramref name="indexPath"/>.</summary>
    public void Write(string path, string indexPath)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(new FileInfo(indexPath).Length);
            writer.Write(HashFile(indexPath));
            writer.Write(Metric);
            writer.Write((int)Aggregation);
            writer.Write((int)Options.Quantization);
            writer.Write(Options.Connectivity);
            writer.Write(Options.ExpansionAdd);
            writer.Write(Options.ExpansionSearch);
            writer.Write(Options.SamplesPerClass);
            writer.Write(Dimension);
            writer.Write(NextKey);
            writer.Write(Classes.Length);
            foreach (var c in Classes)
            {
                writer.Write(c.Label);
                writer.Write(c.Keys.Length);
                for (int i = 0; i < c.Keys.Length; i++)
                {
                    writer.Write(c.Keys[i]);
                    writer.Write(c.Norms[i]);
                }

                writer.Write(c.PrototypeKey);
                writer.Write(c.Samples.Length);
                foreach (float v in c.Samples)
                {
                    writer.Write(v);
                }
            }
        }

        byte[] content = buffer.ToArray();
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        file.Write(content);
        file.Write(SHA256.HashData(content));
        file.Flush(flushToDisk: true);
    }

    private static byte[] HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return SHA256.HashData(stream);
    }

    /// <summary>One class as saved.</summary>
    public sealed record StoredClass(string Label, ulong[] Keys, float[] Norms, ulong PrototypeKey, float[] Samples);
}
