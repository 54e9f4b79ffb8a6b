using System.Globalization;
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
/// white. Colour becomes grey with BT.601 luma weights. JPEGs are turned upright by their EXIF orientation
/// (<see cref="ApplyExifOrientation"/>), as phone photos need.</para>
/// <para>Truncated files are rejected rather than decoded into an image whose bottom rows are silently zero: PNG
/// must contain its IEND chunk, JPEG an end-of-image marker after its last scan, BMP its whole pixel array.</para>
/// <para>With <see cref="VerifyIntegrity"/> (the default) damaged files are rejected too, which stb alone would decode
/// into a different image: every PNG chunk's CRC-32, the zlib header, length and Adler-32 of the PNG image data, and
/// the JPEG marker structure (segment lengths against the file and their content, frame and scan headers, restart
/// marker order) are checked. JPEG has no checksum, so damage inside its entropy-coded data that keeps the structure
/// intact cannot be detected by any decoder.</para>
/// <para>Memory: the size is checked from the header against <see cref="MaxPixels"/> and <see cref="MaxDecodedBytes"/>
/// before any pixel memory is allocated. Decoding then holds stb's sample buffer (width x height x channels x bytes
/// per sample) and the output tensor (width x height x 1 or 3 floats) and nothing else of full size: samples are
/// converted straight into the output tensor in the wanted colour mode, so an RGBA or 16-bit file wanted as grey has
/// no float RGBA intermediate.</para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class StbImageDecoder : IImageDecoder
{
    /// <summary>The default pixel-count cap: 64 megapixels (a 8000x8000 scan), far above any training image.</summary>
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    /// <summary>
    /// The default cap on the decoded sample buffer: 256 MiB (a 64-megapixel RGBA image at 8 bits, or 16-bit RGB
    /// up to 44 megapixels).
    /// </summary>
    public const long DefaultMaxDecodedBytes = 256L * 1024 * 1024;

    private readonly long _maxDecodedBytes = DefaultMaxDecodedBytes;

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

    /// <summary>A shared decoder with the defaults (integrity checks and EXIF orientation on).</summary>
    public static StbImageDecoder Default { get; } = new();

    /// <summary>The largest width x height this decoder accepts.</summary>
    public long MaxPixels { get; }

    /// <summary>
    /// The largest decoded sample buffer accepted: width x height x channels x bytes per sample as the file will
    /// decode (a palette PNG decodes to 3 or 4 channels, a 16-bit file to 2 bytes per sample), checked from the header
    /// before decoding. Default <see cref="DefaultMaxDecodedBytes"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public long MaxDecodedBytes
    {
        get => _maxDecodedBytes;
        init => _maxDecodedBytes = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxDecodedBytes), value, "MaxDecodedBytes must be at least 1.");
    }

    /// <summary>
    /// Check PNG CRCs, the zlib Adler-32 and the JPEG marker structure before decoding (default true). Turning it off
    /// saves one decompression of every PNG (roughly a third of the decode time) and accepts damaged files that stb
    /// can still read.
    /// </summary>
    public bool VerifyIntegrity { get; init; } = true;

    /// <summary>
    /// Rotate and mirror JPEGs as their EXIF orientation tag (0x0112) says, so photos taken with a turned phone
    /// decode upright (default true). Width and height of the result are those of the upright image.
    /// </summary>
    public bool ApplyExifOrientation { get; init; } = true;

    /// <inheritdoc />
    public Tensor Decode(ReadOnlySpan<byte> encoded, ColorMode colorMode, string? sourceName = null)
    {
        var mode = ValidateMode(colorMode);
        using var image = DecodePixels(encoded, sourceName);
        return image.ToTensor(mode);
    }

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
        int orientation = 1;
        switch (format)
        {
            case ImageFormat.Pgm:
                return PgmParser.Parse(encoded, name, MaxPixels, MaxDecodedBytes);
            case ImageFormat.Png:
                if (PngStructure.TryReadHeader(encoded, out var png))
                {
                    // Size first: a bomb fails on its header alone. (stb refuses sizes above 2^31 bytes with a vague
                    // "corrupt" message; say what it is.)
                    CheckSize(png.Width, png.Height, png.DecodedChannels, png.DecodedBytesPerSample, name);
                }

                if (VerifyIntegrity)
                {
                    PngStructure.Verify(encoded, name);
                }
                else
                {
                    ImageFormatSniffer.CheckComplete(encoded, format, name);
                }

                break;
            case ImageFormat.Jpeg:
                if (!VerifyIntegrity)
                {
                    ImageFormatSniffer.CheckComplete(encoded, format, name);
                }

                var jpeg = JpegStructure.Walk(encoded, name, strict: VerifyIntegrity);
                if (jpeg.Width > 0)
                {
                    CheckSize(jpeg.Width, jpeg.Height, jpeg.Components >= 3 ? 3 : 1, 1, name);
                }

                orientation = ApplyExifOrientation ? jpeg.Orientation : 1;
                break;
            case ImageFormat.Bmp:
                ImageFormatSniffer.CheckComplete(encoded, format, name);
                break;
            default:
                throw new InvalidDataException(
                    $"{name}: not a PNG, JPEG, BMP or PGM image (it starts with bytes {ImageFormatSniffer.Describe(encoded)}).");
        }

        var image = DecodeWithStb(encoded, format, name);
        image.Orientation = orientation;
        return image;
    }

    /// <summary>Decodes fully without building a tensor: the check a data-set verification makes of every file.</summary>
    internal void Verify(ReadOnlySpan<byte> encoded, string name)
    {
        using var image = DecodePixels(encoded, name);
    }

    private void CheckSize(long width, long height, int channels, int bytesPerSample, string name)
    {
        long pixels = width * height;
        if (width < 1 || height < 1 || pixels > MaxPixels)
        {
            throw new InvalidDataException(
                $"{name}: the image is {width}x{height} = {pixels} pixels; the decoder accepts 1 to {MaxPixels} (a decompression bomb or a corrupt header).");
        }

        long bytes = pixels * channels * bytesPerSample;
        if (bytes > MaxDecodedBytes)
        {
            throw new InvalidDataException(string.Create(
                CultureInfo.InvariantCulture,
                $"{name}: the image is {width}x{height} with {channels} channel(s) of {bytesPerSample * 8} bit = {bytes} bytes decoded, more than the decoder's MaxDecodedBytes of {MaxDecodedBytes} (a decompression bomb, a corrupt header, or raise MaxDecodedBytes)."));
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

            int bits = info.Value.BitsPerChannel == 16 ? 16 : 8;
            // stb's info counts a palette PNG as one channel; the PNG header check above has the real count.
            CheckSize(info.Value.Width, info.Value.Height, Math.Max(1, (int)info.Value.ColorComponents), bits / 8, name);

            stream.Position = 0;
            try
            {
                return DecodeRaw(stream, bits == 16, name);
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

    // ImageResult always reduces 16-bit PNGs to 8 bits (keeping only the high byte) and copies stb's buffer into a
    // managed array; stb's own entry points keep 16 bits and hand over the buffer without a copy.
    private static unsafe DecodedImage DecodeRaw(Stream stream, bool sixteenBit, string name)
    {
        int width, height, channels;
        var context = new StbImage.stbi__context(stream);
        void* data = sixteenBit
            ? StbImage.stbi__load_and_postprocess_16bit(context, &width, &height, &channels, 0)
            : StbImage.stbi__load_and_postprocess_8bit(context, &width, &height, &channels, 0);
        if (data == null)
        {
            throw new InvalidDataException($"{name}: corrupt {(sixteenBit ? "16-bit " : string.Empty)}image data ({StbImage.stbi__g_failure_reason}).");
        }

        return DecodedImage.FromStb(width, height, channels, (IntPtr)data, sixteenBit);
    }
}
