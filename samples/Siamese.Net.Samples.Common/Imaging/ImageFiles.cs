using System.Globalization;
using System.Text;
using SkiaSharp;

namespace Siamese.Net.Samples.Common.Imaging;

/// <summary>
/// Writes 8-bit greyscale images as PNG (SkiaSharp's libpng: several times faster than a managed deflate on the
/// noisy scans the signature generator makes) or binary PGM (P5, by hand: it is a three-line header).
/// </summary>
internal static class ImageFiles
{
    public static void WriteGrayPng(string path, byte[] pixels, int width, int height)
    {
        CheckSize(pixels, width, height);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        var span = bitmap.GetPixelSpan();
        int rowBytes = bitmap.RowBytes;
        for (int y = 0; y < height; y++)
        {
            pixels.AsSpan(y * width, width).CopyTo(span.Slice(y * rowBytes, width));
        }

        // Fast zlib level: scan noise barely compresses anyway, and generation time is what the user waits for.
        using var pixmap = bitmap.PeekPixels();
        using var data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 1))
            ?? throw new InvalidOperationException("SkiaSharp could not encode a PNG.");
        using var stream = File.Create(path);
        data.SaveTo(stream);
    }

    public static void WriteGrayPgm(string path, byte[] pixels, int width, int height)
    {
        CheckSize(pixels, width, height);
        using var stream = File.Create(path);
        // Exactly the header AT&T's files use: "P5\n92 112\n255\n".
        byte[] header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"P5\n{width} {height}\n255\n"));
        stream.Write(header);
        stream.Write(pixels);
    }

    private static void CheckSize(byte[] pixels, int width, int height)
    {
        if (pixels.Length != width * height)
        {
            throw new ArgumentException($"Expected {width}x{height} = {width * height} pixels, got {pixels.Length}.", nameof(pixels));
        }
    }
}
