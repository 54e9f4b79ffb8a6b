namespace Siamese.Net.Imaging;

/// <summary>
/// How <see cref="ImagePreprocessing"/> removes the intensity of the ink before the resize, so that a model cannot
/// tell two pens, scanners or contrast settings apart by how dark the strokes are.
/// </summary>
public enum InkNormalization
{
    /// <summary>Pixel values are kept as decoded.</summary>
    None = 0,

    /// <summary>
    /// Otsu binarisation (Otsu 1979): the grey histogram (256 levels, <c>round(255 v)</c>) is split at the level that
    /// maximises the between-class variance; every pixel at or below it becomes ink (0), every other pixel paper (1).
    /// The step of SigNet-style signature preprocessing (Hafemann et al. 2017: threshold, invert, size, standardise)
    /// that makes the input independent of ink darkness and contrast: a gamma change, a linear stretch or a darker or
    /// lighter ink moves the threshold with the ink and leaves the stroke shapes. Assumes dark ink on light paper
    /// (before <see cref="ImagePreprocessing.Invert"/>); an image with a single grey level becomes all paper.
    /// </summary>
    OtsuBinarize = 1,

    /// <summary>
    /// <see cref="OtsuBinarize"/>, then every stroke thinned to its one-pixel skeleton (Zhang &amp; Suen 1984) and
    /// redrawn as a disc-brush line about one output pixel wide (2R + 1 pixels before the resize, R half the resize
    /// factor). Removes the width of the pen as well as the darkness of the ink, so neither a broad nib nor a scanner's
    /// resolution reaches the model; the shape and the topology of the strokes stay. Costs a few milliseconds per
    /// image in managed code.
    /// </summary>
    OtsuBinarizeUniformStrokes = 2,
}
