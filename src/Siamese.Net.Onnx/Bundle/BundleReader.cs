using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Siamese.Net.Search;

namespace Siamese.Net.Onnx.Bundle;

/// <summary>Reads and verifies a deployment bundle: format, version, the checksum of every entry, and the shapes.</summary>
internal static class BundleReader
{
    /// <summary>Everything in a verified bundle.</summary>
    internal sealed record Contents(
        BundleManifest Manifest,
        byte[] Model,
        OnnxImagePreprocessing Preprocessing,
        VectorMetric Metric,
        KShotAggregation Aggregation,
        string[] Labels,
        float[] Embeddings);

    public static Contents Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Bundle not found: {path}", path);
        }

        ZipArchive zip;
        var stream = File.OpenRead(path);
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (InvalidDataException ex)
        {
            stream.Dispose();
            throw new InvalidDataException($"{path}: not a {BundleFormat.Extension} bundle (not a zip archive: {ex.Message}).", ex);
        }

        using (zip)
        {
            var manifestBytes = ReadEntry(zip, path, BundleFormat.ManifestEntry);
            BundleManifest manifest;
            try
            {
                manifest = JsonSerializer.Deserialize<BundleManifest>(manifestBytes, BundleManifest.JsonOptions)
                    ?? throw new InvalidDataException($"{path}: entry '{BundleFormat.ManifestEntry}' is null.");
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{path}: entry '{BundleFormat.ManifestEntry}' is not valid JSON ({ex.Message}).", ex);
            }

            if (manifest.FormatName != BundleFormat.FormatName)
            {
                throw new InvalidDataException($"{path}: entry '{BundleFormat.ManifestEntry}' names format '{manifest.FormatName}', not '{BundleFormat.FormatName}'.");
            }

            if (manifest.FormatVersion < 1 || manifest.FormatVersion > BundleFormat.FormatVersion)
            {
                throw new InvalidDataException(
                    $"{path}: entry '{BundleFormat.ManifestEntry}' has format version {manifest.FormatVersion}; this Siamese.Net.Onnx reads versions 1 to {BundleFormat.FormatVersion} (a newer bundle needs a newer package).");
            }

            var model = ReadVerified(zip, path, manifest, manifest.Model.Entry);
            var labelBytes = ReadVerified(zip, path, manifest, manifest.Support.LabelsEntry);
            var raw = ReadVerified(zip, path, manifest, manifest.Support.EmbeddingsEntry);

            string[] labels;
            try
            {
                labels = JsonSerializer.Deserialize<string[]>(labelBytes) ?? [];
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{path}: entry '{manifest.Support.LabelsEntry}' is not a JSON array of labels ({ex.Message}).", ex);
            }

            int dimension = manifest.Model.EmbeddingSize;
            if (dimension < 1 || manifest.Support.Dimension != dimension)
            {
                throw new InvalidDataException($"{path}: entry '{BundleFormat.ManifestEntry}' gives embedding size {dimension} and support dimension {manifest.Support.Dimension}.");
            }

            if (labels.Length != manifest.Support.Count || raw.Length != (long)labels.Length * dimension * sizeof(float))
            {
                throw new InvalidDataException(
                    $"{path}: entry '{manifest.Support.EmbeddingsEntry}' has {raw.Length} bytes and '{manifest.Support.LabelsEntry}' {labels.Length} labels; {manifest.Support.Count} rows of {dimension} float32 were announced.");
            }

            if (labels.Any(string.IsNullOrEmpty))
            {
                throw new InvalidDataException($"{path}: entry '{manifest.Support.LabelsEntry}' holds an empty label.");
            }

            var embeddings = new float[labels.Length * dimension];
            for (int i = 0; i < embeddings.Length; i++)
            {
                embeddings[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(i * sizeof(float)));
            }

            OnnxImagePreprocessing preprocessing;
            try
            {
                preprocessing = OnnxImagePreprocessing.FromJson(manifest.Preprocessing.GetRawText());
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                throw new InvalidDataException($"{path}: entry '{BundleFormat.ManifestEntry}' has invalid preprocessing settings ({ex.Message}).", ex);
            }

            if (preprocessing.Channels != manifest.Model.InputChannels || preprocessing.Height != manifest.Model.InputHeight || preprocessing.Width != manifest.Model.InputWidth)
            {
                throw new InvalidDataException(
                    $"{path}: entry '{BundleFormat.ManifestEntry}': preprocessing makes [{preprocessing.Channels}, {preprocessing.Height}, {preprocessing.Width}] images, the model takes [{manifest.Model.InputChannels}, {manifest.Model.InputHeight}, {manifest.Model.InputWidth}].");
            }

            var metric = KnownMetrics.TryFromName(manifest.Metric)
                ?? throw new InvalidDataException($"{path}: entry '{BundleFormat.ManifestEntry}' names unknown metric '{manifest.Metric}'.");
            if (!Enum.TryParse<KShotAggregation>(manifest.Aggregation, ignoreCase: false, out var aggregation) || !Enum.IsDefined(aggregation))
            {
                throw new InvalidDataException($"{path}: entry '{BundleFormat.ManifestEntry}' names unknown K-shot aggregation '{manifest.Aggregation}'.");
            }

            if (manifest.TopK < 1 || manifest.Threshold is { } t && !double.IsFinite(t))
            {
                throw new InvalidDataException($"{path}: entry '{BundleFormat.ManifestEntry}' has top-k {manifest.TopK} and threshold {manifest.Threshold}.");
            }

            return new Contents(manifest, model, preprocessing, metric, aggregation, labels, embeddings);
        }
    }

    private static byte[] ReadVerified(ZipArchive zip, string path, BundleManifest manifest, string entry)
    {
        if (manifest.Sha256 is null || !manifest.Sha256.TryGetValue(entry, out var expected))
        {
            throw new InvalidDataException($"{path}: entry '{BundleFormat.ManifestEntry}' has no SHA-256 for entry '{entry}'.");
        }

        var bytes = ReadEntry(zip, path, entry);
        string actual = Convert.ToHexString(SHA256.HashData(bytes));
        if (!actual.Equals(expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{path}: entry '{entry}' is corrupt: its SHA-256 is {actual.ToLowerInvariant()}, the manifest says {expected}.");
        }

        return bytes;
    }

    private static byte[] ReadEntry(ZipArchive zip, string path, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"{path}: entry '{name}' is missing from the bundle.");
        try
        {
            using var input = entry.Open();
            using var buffer = new MemoryStream();
            input.CopyTo(buffer);
            return buffer.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: entry '{name}' cannot be inflated ({ex.Message}).", ex);
        }
    }
}
