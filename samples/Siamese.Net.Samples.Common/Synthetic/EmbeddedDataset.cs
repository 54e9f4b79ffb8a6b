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
        Ensure(folder, Fingerprint("signatures", options), f => SignatureDatasetGenerator.Generate(f, options));

    /// <summary>Ensures the synthetic faces exist in <paramref name="folder"/>; returns the folder.</summary>
    public static string EnsureFaces(string folder, FaceDatasetOptions options) =>
        Ensure(folder, Fingerprint("faces", options), f => FaceDatasetGenerator.Generate(f, options));

    /// <summary>Ensures the synthetic glyphs exist in <paramref name="folder"/>; returns the folder.</summary>
    public static string EnsureGlyphs(string folder, GlyphDatasetOptions options) =>
        Ensure(folder, Fingerprint("glyphs", options), f => GlyphDatasetGenerator.Generate(f, options));

    /// <summary>
    /// The generator's name and options plus the identity of this build of the generators: builds are deterministic,
    /// so the module version id changes exactly when the code changes, and a set made by older code is regenerated.
    /// </summary>
    internal static string Fingerprint(string generator, object options) =>
        $"{generator} {typeof(EmbeddedDataset).Assembly.ManifestModule.ModuleVersionId:N} {options}";

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
