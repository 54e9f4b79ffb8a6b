using System.Globalization;
using System.Text;
using SkiaSharp;

namespace Siamese.Net.Samples.Common.Imaging;

/// <summary>
/// A greyscale picture with values in [0, 1] (0 = black), row-major [Height, Width]: what a sample passes to the
/// pair grid, from a preprocessed tensor's data or from an image file.
/// </summary>
public sealed class GrayImage
{
    private readonly float[] _pixels;

    /// <summary>Wraps <paramref name="pixels"/> (row-major, <paramref name="height"/> rows of <paramref name="width"/>).</summary>
    public GrayImage(float[] pixels, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (pixels.Length != width * height)
        {
            throw new ArgumentException($"Expected {width}x{height} = {width * height} values, got {pixels.Length}.", nameof(pixels));
        }

        _pixels = pixels;
        Width = width;
        Height = height;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The values, row-major.</summary>
    public ReadOnlySpan<float> Pixels => _pixels;

    /// <summary>The value at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public float this[int y, int x] => _pixels[(y * Width) + x];

    /// <summary>From a [H, W] array.</summary>
    public static GrayImage FromArray(float[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int height = values.GetLength(0), width = values.GetLength(1);
        var pixels = new float[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                pixels[(y * width) + x] = values[y, x];
            }
        }

        return new GrayImage(pixels, width, height);
    }

    /// <summary>Loads PNG, JPEG, BMP, GIF or WebP (through SkiaSharp) or PGM (P5 or P2, read here), as greyscale.</summary>
    public static GrayImage Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length >= 2 && bytes[0] == 'P' && (bytes[1] == '5' || bytes[1] == '2'))
        {
            return DecodePgm(bytes, path);
        }

        using var decoded = SKBitmap.Decode(bytes) ?? throw new InvalidDataException($"'{path}' is not an image SkiaSharp can decode.");
        var info = new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Gray8, SKAlphaType.Opaque);
        using var gray = new SKBitmap(info);
        using (var canvas = new SKCanvas(gray))
        {
            // Transparent areas read as white paper, not black.
            canvas.Clear(SKColors.White);
            canvas.DrawBitmap(decoded, 0, 0);
        }

        var source = gray.GetPixelSpan();
        var pixels = new float[decoded.Width * decoded.Height];
        int rowBytes = gray.RowBytes;
        for (int y = 0; y < decoded.Height; y++)
        {
            for (int x = 0; x < decoded.Width; x++)
            {
                pixels[(y * decoded.Width) + x] = source[(y * rowBytes) + x] / 255f;
            }
        }

        return new GrayImage(pixels, decoded.Width, decoded.Height);
    }

    /// <summary>8-bit copy, values clamped to [0, 1] first.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[_pixels.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)Math.Round(Math.Clamp(_pixels[i], 0f, 1f) * 255f);
        }

        return bytes;
    }

    private static GrayImage DecodePgm(byte[] bytes, string path)
    {
        int position = 2;
        int width = ReadHeaderInt(bytes, ref position, path);
        int height = ReadHeaderInt(bytes, ref position, path);
        int maxValue = ReadHeaderInt(bytes, ref position, path);
        if (width < 1 || height < 1 || maxValue is < 1 or > 65535)
        {
            throw new InvalidDataException($"'{path}': bad PGM header ({width}x{height}, max {maxValue}).");
        }

        var pixels = new float[width * height];
        if (bytes[1] == '5')
        {
            position++; // exactly one whitespace byte separates the header from binary data
            int bytesPerValue = maxValue > 255 ? 2 : 1;
            if (bytes.Length < position + (pixels.Length * bytesPerValue))
            {
                throw new InvalidDataException($"'{path}': PGM data is truncated.");
            }

            for (int i = 0; i < pixels.Length; i++)
            {
                int value = bytesPerValue == 1 ? bytes[position + i] : (bytes[position + (2 * i)] << 8) | bytes[position + (2 * i) + 1];
                pixels[i] = (float)value / maxValue;
            }
        }
        else
        {
            for (int i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (float)ReadHeaderInt(bytes, ref position, path) / maxValue;
            }
        }

        return new GrayImage(pixels, width, height);
    }

    private static int ReadHeaderInt(byte[] bytes, ref int position, string path)
    {
        while (position < bytes.Length)
        {
            if (bytes[position] == '#')
            {
                while (position < bytes.Length && bytes[position] != '\n')
                {
                    position++;
                }
            }
            else if (char.IsWhiteSpace((char)bytes[position]))
            {
                position++;
            }
            else
            {
                break;
            }
        }

        int start = position;
        while (position < bytes.Length && bytes[position] is >= (byte)'0' and <= (byte)'9')
        {
            position++;
        }

        if (position == start)
        {
            throw new InvalidDataException($"'{path}': malformed PGM header.");
        }

        return int.Parse(Encoding.ASCII.GetString(bytes, start, position - start), CultureInfo.InvariantCulture);
    }
}
