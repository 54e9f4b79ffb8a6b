using System.Runtime.InteropServices;
using Siamese.Net.Imaging;
using StbImageSharp;

namespace Siamese.Net.Onnx.Imaging;

/// <summary>
/// Decodes PNG, JPEG, BMP (StbImageSharp) and PGM (the core's parser, linked) into planar [0, 1] floats, with the
/// same format checks, 16-bit handling and pixel limit as the core's <c>StbImageDecoder</c>, so a deployed model sees
/// the pixels it was trained on.
/// </summary>
internal static class ManagedImageDecoder
{
    /// <summary>The core decoder's default pixel limit (64 Mi pixels).</summary>
    public const long MaxPixels = 64L * 1024 * 1024;

    public static (float[] Planar, int Height, int Width) DecodeFile(string path, ColorMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException ex)
        {
            throw new FileNotFoundException($"Image file not found: {path}", path, ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new FileNotFoundException($"Image file not found (its folder does not exist): {path}", path, ex);
        }

        var image = Decode(bytes, path);
        return (image.ToPlanar(mode == ColorMode.Grayscale), image.Height, image.Width);
    }

    public static DecodedImage Decode(ReadOnlySpan<byte> encoded, string name)
    {
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
                    CheckPixelCount(pngWidth, pngHeight, name);
                }

                return DecodeWithStb(encoded, format, name);
            default:
                throw new InvalidDataException(
                    $"{name}: not a PNG, JPEG, BMP or PGM image (it starts with bytes {ImageFormatSniffer.Describe(encoded)}).");
        }
    }

    private static void CheckPixelCount(long width, long height, string name)
    {
        long pixels = width * height;
        if (width < 1 || height < 1 || pixels > MaxPixels)
        {
            throw new InvalidDataException(
                $"{name}: the image is {width}x{height} = {pixels} pixels; the decoder accepts 1 to {MaxPixels} (a decompression bomb or a corrupt header).");
        }
    }

    private static unsafe DecodedImage DecodeWithStb(ReadOnlySpan<byte> encoded, ImageFormat format, string name)
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
        var pixels = new float[result.Data.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = result.Data[i] / 255f;
        }

        return new DecodedImage(result.Width, result.Height, (int)result.Comp, pixels);
    }

    // As in the core: ImageResult reduces 16-bit PNGs to 8 bits, so 16-bit files take stb's 16-bit path directly.
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
            var pixels = new float[span.Length];
            const float Scale = 1f / ushort.MaxValue;
            for (int i = 0; i < span.Length; i++)
            {
                pixels[i] = span[i] * Scale;
            }

            return new DecodedImage(width, height, channels, pixels);
        }
        finally
        {
            Marshal.FreeHGlobal((IntPtr)data);
        }
    }
}
