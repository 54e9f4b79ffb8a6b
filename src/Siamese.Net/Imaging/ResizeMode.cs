namespace Siamese.Net.Imaging;

/// <summary>How <see cref="ImagePreprocessing"/> resamples an image to its target size.</summary>
public enum ResizeMode
{
    /// <summary>Bilinear interpolation (half-pixel centres, no corner alignment), as <c>torchvision</c> resizes.</summary>
    Bilinear = 0,

    /// <summary>
    /// Area averaging (<c>interpolate(mode="area")</c>): every source pixel contributes, so thin pen strokes survive
    /// strong downscaling, which bilinear sampling would skip.
    /// </summary>
    Area = 1,

    /// <summary>
    /// Each output pixel takes the darkest (smallest) value of its source cell (adaptive min pooling): dark pen strokes
    /// on light paper keep their full darkness at any downscale, where averaging fades a stroke thinner than a cell into
    /// light grey. Meant for ink on paper before <see cref="ImagePreprocessing.Invert"/>; enlarging repeats pixels.
    /// </summary>
    MinPool = 2,
}
