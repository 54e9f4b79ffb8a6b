namespace Siamese.Net.Onnx.Bundle;

/// <summary>
/// The constants of the <c>.siamese-onnx</c> deployment bundle, shared (as linked source) by the writer in
/// Siamese.Net.Onnx.Export and the reader in Siamese.Net.Onnx, so both sides agree by construction.
/// </summary>
/// <remarks>
/// A bundle is a zip archive with four entries: <see cref="ModelEntry"/> (the ONNX encoder),
/// <see cref="ManifestEntry"/> (settings and the SHA-256 of every other entry), <see cref="LabelsEntry"/> (a JSON
/// array with one label per support row) and <see cref="EmbeddingsEntry"/> (the support embeddings, row-major
/// little-endian float32). A reader refuses a bundle whose <see cref="FormatName"/> differs or whose format version
/// is newer than <see cref="FormatVersion"/>. Version 2 added the ink normalisation of the preprocessing settings
/// (<c>InkNormalization</c>, <c>CropToInk</c>); a writer stamps a bundle 2 only when it uses them, so a bundle that
/// needs the step is refused by a version-1 reader, which would silently skip it, and every other bundle stays 1.
/// </remarks>
internal static class BundleFormat
{
    public const string Extension = ".siamese-onnx";
    public const string FormatName = "siamese-onnx";
    public const int FormatVersion = 2;

    /// <summary>The version of a bundle whose preprocessing has no ink normalisation (readable by every reader).</summary>
    public const int BaseFormatVersion = 1;
    public const string ManifestEntry = "manifest.json";
    public const string ModelEntry = "model.onnx";
    public const string LabelsEntry = "support-labels.json";
    public const string EmbeddingsEntry = "support-embeddings.f32";
    public const string InputName = "images";
    public const string OutputName = "embeddings";
}
