namespace Siamese.Net.Imaging;

/// <summary>The channel layout an image is decoded to.</summary>
public enum ColorMode
{
    /// <summary>One channel of luminance: tensors [1, H, W].</summary>
    Grayscale = 0,

    /// <summary>Three channels red, green, blue: tensors [3, H, W].</summary>
    Rgb = 1,
}
