using static TorchSharp.torch;

namespace Siamese.Net.Imaging;

/// <summary>
/// Turns the bytes of an encoded image file into a float tensor [C, H, W] with values in [0, 1]
/// (C = 1 for <see cref="ColorMode.Grayscale"/>, 3 for <see cref="ColorMode.Rgb"/>).
/// </summary>
/// <remarks>
/// Implementations must be safe to call from several threads at once (the batch loader decodes on worker
/// threads) and must throw <see cref="InvalidDataException"/> naming <c>sourceName</c> for bytes they cannot
/// decode, rather than return a partial image.
/// </remarks>
public interface IImageDecoder
{
    /// <summary>Decodes one image.</summary>
    /// <param name="encoded">The complete file contents.</param>
    /// <param name="colorMode">The channel layout wanted, whatever the file stores.</param>
    /// <param name="sourceName">The file name or other label used in error messages; may be null.</param>
    /// <returns>A new float32 CPU tensor [C, H, W] in [0, 1], owned by the caller.</returns>
    /// <exception cref="InvalidDataException">The bytes are empty, truncated, of an unsupported format, or too large.</exception>
    Tensor Decode(ReadOnlySpan<byte> encoded, ColorMode colorMode, string? sourceName = null);
}
