using System.Globalization;
using System.Text;
using StbImageWriteSharp;

namespace Siamese.Net.Samples.Common.Imaging;

/// <summary>Writes 8-bit greyscale images as PNG (stb_image_write) or binary PGM (P5, by hand: it is a 3-line header).</summary>
internal static class ImageFiles
{
    public static void WriteGrayPng(string path, byte[] pixels, int width, int height)
    {
        CheckSize(pixels, width, height);
        using var stream = File.Create(path);
        new ImageWriter().WritePng(pixels, width, height, ColorComponents.Grey, stream);
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
