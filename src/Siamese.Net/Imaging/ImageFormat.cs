namespace Siamese.Net.Imaging;

/// <summary>Container formats recognised from their first bytes.</summary>
internal enum ImageFormat
{
    Unknown = 0,
    Png,
    Jpeg,
    Bmp,
    Pgm,
}
