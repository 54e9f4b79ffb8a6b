namespace Siamese.Net.Onnx;

/// <summary>Channel layout of a preprocessed image; the same members and values as Siamese.Net's <c>ColorMode</c>.</summary>
public enum ColorMode
{
    /// <summary>One channel: grey, from RGB by the ITU-R BT.601 luma weights 0.299, 0.587, 0.114.</summary>
    Grayscale = 0,

    /// <summary>Three channels, R, G, B; a grey image is replicated into all three.</summary>
    Rgb = 1,
}
