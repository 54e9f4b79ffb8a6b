using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace Siamese.Net.Onnx.Bundle;

/// <summary>Writes a deployment bundle atomically: a temporary file beside the target, then a rename over it.</summary>
internal static class BundleWriter
{
    /// <summary>Writes the bundle; fills in the manifest's support counts and checksums.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="model">The ONNX model bytes.</param>
    /// <param name="manifest">The manifest, without checksums; <see cref="BundleManifest.Support"/> is set here.</param>
    /// <param name="labels">One label per support row.</param>
    /// <param name="embeddings">Row-major support embeddings, labels.Count rows of manifest.Model.EmbeddingSize.</param>
    public static void Write(string path, byte[] model, BundleManifest manifest, IReadOnlyList<string> labels, ReadOnlySpan<float> embeddings)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int dimension = manifest.Model.EmbeddingSize;
        if (dimension < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(manifest), dimension, "The embedding size must be positive.");
        }

        if ((long)labels.Count * dimension != embeddings.Length)
        {
            throw new ArgumentException(
                $"The support set has {labels.Count} labels of {dimension}-dimensional embeddings, so {(long)labels.Count * dimension} values are needed; {embeddings.Length} were given.",
                nameof(embeddings));
        }

        for (int i = 0; i < labels.Count; i++)
        {
            if (string.IsNullOrEmpty(labels[i]))
            {
                throw new ArgumentException($"Support label {i} is null or empty.", nameof(labels));
            }
        }

        var raw = new byte[embeddings.Length * sizeof(float)];
        for (int i = 0; i < embeddings.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), embeddings[i]);
        }

        var labelBytes = JsonSerializer.SerializeToUtf8Bytes(labels.ToArray(), BundleManifest.JsonOptions);
        manifest.Support = new BundleManifest.BundleSupport { Count = labels.Count, Dimension = dimension };
        var entries = new (string Name, byte[] Bytes)[]
        {
            (BundleFormat.ModelEntry, model),
            (BundleFormat.LabelsEntry, labelBytes),
            (BundleFormat.EmbeddingsEntry, raw),
        };
        manifest.Sha256 = entries.ToDictionary(e => e.Name, e => Convert.ToHexString(SHA256.HashData(e.Bytes)).ToLowerInvariant(), StringComparer.Ordinal);
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, BundleManifest.JsonOptions);

        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
                {
                    // The manifest first, so a reader can check the format before it inflates a large model.
                    Add(zip, BundleFormat.ManifestEntry, manifestBytes);
                    foreach (var (name, bytes) in entries)
                    {
                        Add(zip, name, bytes);
                    }
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var output = entry.Open();
        output.Write(bytes);
    }
}
