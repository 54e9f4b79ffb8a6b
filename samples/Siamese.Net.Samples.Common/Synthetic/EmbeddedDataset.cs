using System.Text;

namespace Siamese.Net.Samples.Common.Synthetic;

/// <summary>
/// Generates a sample's default data set once and reuses it: the folder carries a marker naming the generator
/// options, and is regenerated when they change. Generation goes to a temporary sibling folder that is renamed at
/// the end, so an interrupted run never leaves a half-written set that looks complete.
/// </summary>
public static class EmbeddedDataset
{
    /// <summary>Marker file written inside a generated folder.</summary>
    public const string MarkerFileName = ".siamese-net-generated";

    /// <summary>Ensures the synthetic signatures exist in <paramref name="folder"/>; returns the folder.</summary>
    public static string EnsureSignatures(string folder, SignatureDatasetOptions options) =>
        Ensure(folder, "signatures-v1 " + options, f => SignatureDatasetGenerator.Generate(f, options));

    /// <summary>Ensures the synthetic faces exist in <paramref name="folder"/>; returns the folder.</summary>
    public static string EnsureFaces(string folder, FaceDatasetOptions options) =>
        Ensure(folder, "faces-v1 " + options, f => FaceDatasetGenerator.Generate(f, options));

    /// <summary>Ensures the synthetic glyphs exist in <paramref name="folder"/>; returns the folder.</summary>
    public static string EnsureGlyphs(string folder, GlyphDatasetOptions options) =>
        Ensure(folder, "glyphs-v1 " + options, f => GlyphDatasetGenerator.Generate(f, options));

    /// <summary>
    /// Ensures <paramref name="folder"/> holds what <paramref name="generate"/> writes for <paramref name="fingerprint"/>.
    /// </summary>
    /// <returns>The full path of the folder.</returns>
    public static string Ensure(string folder, string fingerprint, Action<string> generate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(fingerprint);
        ArgumentNullException.ThrowIfNull(generate);
        string full = Path.GetFullPath(folder);
        string marker = Path.Combine(full, MarkerFileName);
        if (File.Exists(marker) && File.ReadAllText(marker, Encoding.UTF8) == fingerprint)
        {
            return full;
        }

        string staging = full.TrimEnd(Path.DirectorySeparatorChar) + ".partial-" + Environment.ProcessId;
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        try
        {
            generate(staging);
            File.WriteAllText(Path.Combine(staging, MarkerFileName), fingerprint, new UTF8Encoding(false));
            if (Directory.Exists(full))
            {
                Directory.Delete(full, recursive: true);
            }

            Directory.Move(staging, full);
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            throw;
        }

        return full;
    }
}
