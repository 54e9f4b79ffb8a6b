using System.Buffers.Binary;
using SkiaSharp;

namespace Siamese.Net.Samples.Tests;

/// <summary>Reads what the tests check in a PNG: the header fields and the decoded pixels.</summary>
internal static class Png
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    public static (int Width, int Height, int BitDepth, int ColorType) Header(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes.Length.Should().BeGreaterThan(33, $"{path} must hold at least a PNG header");
        bytes.AsSpan(0, 8).ToArray().Should().Equal(Signature, $"{path} must be a PNG");
        System.Text.Encoding.ASCII.GetString(bytes, 12, 4).Should().Be("IHDR");
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)), bytes[24], bytes[25]);
    }

    public static SKBitmap Decode(string path) => SKBitmap.Decode(path) ?? throw new InvalidDataException(path);

    /// <summary>Greyscale values [H*W] of a greyscale PNG.</summary>
    public static byte[] GrayPixels(string path, out int width, out int height)
    {
        using var decoded = Decode(path);
        width = decoded.Width;
        height = decoded.Height;
        var result = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                result[(y * width) + x] = decoded.GetPixel(x, y).Red;
            }
        }

        return result;
    }

    /// <summary>SHA-256 of every file under <paramref name="root"/>, by relative path.</summary>
    public static Dictionary<string, string> HashTree(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(
                f => System.IO.Path.GetRelativePath(root, f).Replace('\\', '/'),
                f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))),
                StringComparer.Ordinal);
}
