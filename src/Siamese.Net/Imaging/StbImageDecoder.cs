using System.Runtime.InteropServices;
using StbImageSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Imaging;

/// <summary>
/// The default, dependency-free decoder: PNG (every bit depth, including 1-bit and 16-bit, palette and alpha),
/// baseline and progressive JPEG and BMP through StbImageSharp, and binary (P5) and ASCII (P2) PGM greymaps of
/// 8 or 16 bits through its own parser. The format is read from the content, not the extension, so a JPEG saved as
/// <c>.png</c> decodes; anything else (text, GIF, TIFF) is rejected with the file's name.
/// </summary>
/// <remarks>
/// <para>16-bit samples are scaled by 65535 (not truncated to 8 bits first). Transparent pixels are composited over
/// white. Colour becomes grey with BT.601 luma weights.</para>
/// <para>Truncated files are rejected rather than decoded into an image whose bottom rows are silently zero: PNG
/// must contain its IEND chunk, JPEG an end-of-image marker after its last scan, BMP its whole pixel array.</para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class StbImageDecoder : IImageDecoder
{
    /// <summary>The default pixel-count cap: 64 megapixels (a 8000x8000 scan), far above any training image.</summary>
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    /// <summary>Creates a decoder.</summary>
    /// <param name="maxPixels">
    /// The largest width x height accepted, checked from the header before any pixel memory is allocated, so a small
    /// file that claims to be huge (a decompression bomb) fails fast.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxPixels"/> is less than 1.</exception>
    public StbImageDecoder(long maxPixels = DefaultMaxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPixels, 1L, nameof(maxPixels));
        MaxPixels = maxPixels;
    }

    /// <summary>A shared decoder with <see cref="DefaultMaxPixels"/>.</summary>
    public static StbImageDecoder Default { get; } = new();

    /// <summary>The largest width x height this decoder accepts.</summary>
    public long MaxPixels { get; }

    /// <inheritdoc />
    public Tensor Decode(ReadOnlySpan<byte> encoded, ColorMode colorMode, string? sourceName = null) =>
        DecodePixels(encoded, sourceName).ToTensor(ValidateMode(colorMode));

    internal static ColorMode ValidateMode(ColorMode colorMode) =>
        Enum.IsDefined(colorMode)
            ? colorMode
            : throw new ArgumentOutOfRangeException(nameof(colorMode), colorMode, "Unknown ColorMode.");

    internal DecodedImage DecodePixels(ReadOnlySpan<byte> encoded, string? sourceName)
    {
        string name = sourceName ?? "<image bytes>";
        if (encoded.IsEmpty)
        {
            throw new InvalidDataException($"{name}: the file is empty (0 bytes); it is not an image.");
        }

        var format = ImageFormatSniffer.Detect(encoded);
        switch (format)
        {
            case ImageFormat.Pgm:
                return PgmParser.Parse(encoded, name, MaxPixels);
            case ImageFormat.Png:
            case ImageFormat.Jpeg:
            case ImageFormat.Bmp:
                ImageFormatSniffer.CheckComplete(encoded, format, name);
                if (ImageFormatSniffer.TryReadPngSize(encoded, out int pngWidth, out int pngHeight))
                {
                    // stb refuses sizes above 2^31 bytes with a vague "corrupt" message; say what it is.
                    CheckPixelCount(pngWidth, pngHeight, name);
                }

                return DecodeWithStb(encoded, format, name);
            default:
                throw new InvalidDataException(
                    $"{name}: not a PNG, JPEG, BMP or PGM image (it starts with bytes {ImageFormatSniffer.Describe(encoded)}).");
        }
    }

    private void CheckPixelCount(long width, long height, string name)
    {
        long pixels = width * height;
        if (width < 1 || height < 1 || pixels > MaxPixels)
        {
            throw new InvalidDataException(
                $"{name}: the image is {width}x{height} = {pixels} pixels; the decoder accepts 1 to {MaxPixels} (a decompression bomb or a corrupt header).");
        }
    }

    private unsafe DecodedImage DecodeWithStb(ReadOnlySpan<byte> encoded, ImageFormat format, string name)
    {
        fixed (byte* pointer = encoded)
        {
            using var stream = new UnmanagedMemoryStream(pointer, encoded.Length);
            ImageInfo? info;
            try
            {
                info = ImageInfo.FromStream(stream);
            }
#pragma warning disable CA1031 // stb reports corrupt headers with assorted exception types; all mean "not decodable".
            catch (Exception ex)
#pragma warning restore CA1031
            {
                throw new InvalidDataException($"{name}: corrupt {format} header ({ex.Message}).", ex);
            }

            if (info is null)
            {
                throw new InvalidDataException($"{name}: corrupt or unsupported {format} header.");
            }

            CheckPixelCount(info.Value.Width, info.Value.Height, name);

            stream.Position = 0;
            try
            {
                return info.Value.BitsPerChannel == 16 ? Decode16(stream, name) : Decode8(stream);
            }
            catch (InvalidDataException)
            {
                throw;
            }
#pragma warning disable CA1031 // see above
            catch (Exception ex)
#pragma warning restore CA1031
            {
                throw new InvalidDataException($"{name}: corrupt {format} data ({ex.Message}).", ex);
            }
        }
    }

    private static DecodedImage Decode8(Stream stream)
    {
        var result = ImageResult.FromStream(stream, ColorComponents.Default);
        int channels = (int)result.Comp;
        return new DecodedImage(result.Width, result.Height, channels, DecodedImage.Scale8(result.Data));
    }

    // ImageResult always reduces 16-bit PNGs to 8 bits (keeping only the high byte) and ImageResultFloat applies a
    // 2.2 gamma curve through process-wide settings, so 16-bit files go through stb's 16-bit path directly.
    private static unsafe DecodedImage Decode16(Stream stream, string name)
    {
        int width, height, channels;
        var context = new StbImage.stbi__context(stream);
        ushort* data = StbImage.stbi__load_and_postprocess_16bit(context, &width, &height, &channels, 0);
        if (data == null)
        {
            throw new InvalidDataException($"{name}: corrupt 16-bit image data ({StbImage.stbi__g_failure_reason}).");
        }

        try
        {
            var span = new ReadOnlySpan<ushort>(data, checked(width * height * channels));
            return new DecodedImage(width, height, channels, DecodedImage.Scale16(span, ushort.MaxValue));
        }
        finally
        {
            // stb allocates with Marshal.AllocHGlobal (its CRuntime.malloc); its free is not public.
            Marshal.FreeHGlobal((IntPtr)data);
        }
    }
}
