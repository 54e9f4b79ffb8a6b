namespace Siamese.Net.Onnx;

/// <summary>
/// How <see cref="OnnxImagePreprocessing"/> removes the intensity of the ink before the resize; the members, names and
/// arithmetic of Siamese.Net's <c>InkNormalization</c> (the two share one implementation file).
/// </summary>
public enum InkNormalization
{
    /// <summary>Pixel values are kept as decoded.</summary>
    None = 0,

    /// <summary>
    /// Otsu binarisation (Otsu 1979) of the 256-level grey histogram (<c>round(255 v)</c>): pixels at or below the
    /// level that maximises the between-class variance become ink (0), the others paper (1).
    /// </summary>
    OtsuBinarize = 1,

    /// <summary>
    /// <see cref="OtsuBinarize"/>, then every stroke thinned to its skeleton (Zhang &amp; Suen 1984) and redrawn about
    /// one output pixel wide: removes pen width as well as ink darkness.
    /// </summary>
    OtsuBinarizeUniformStrokes = 2,
}
