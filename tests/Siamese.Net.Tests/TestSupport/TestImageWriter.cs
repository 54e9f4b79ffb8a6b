using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using StbImageWriteSharp;

namespace Siamese.Net.Tests.TestSupport;

/// <summary>
/// Writes images of every format and bit depth the decoder claims to read. PNG is encoded here (zlib from the BCL,
/// CRC by hand) because the stb writer only produces 8-bit PNGs and the tests need 1- and 16-bit ones too.
/// </summary>
public static class TestImageWriter
{
    /// <summary>PNG colour types.</summary>
    public const int Grey = 0, Rgb = 2, GreyAlpha = 4, Rgba = 6;

    private static readonly uint[] CrcTable = MakeCrcTable();

    /// <summary>Encodes a PNG. <paramref name="samples"/> are row-major, interleaved, each in [0, 2^bitDepth - 1].</summary>
    public static byte[] Png(int width, int height, int bitDepth, int colorType, IReadOnlyList<int> samples)
    {
        int channels = colorType switch { Grey => 1, Rgb => 3, GreyAlpha => 2, Rgba => 4, _ => throw new ArgumentOutOfRangeException(nameof(colorType)) };
        if (samples.Count != width * height * channels)
        {
            throw new ArgumentException("sample count", nameof(samples));
        }

        var raw = new MemoryStream();
        int bitsPerRow = width * channels * bitDepth;
        int rowBytes = (bitsPerRow + 7) / 8;
        for (int y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            var row = new byte[rowBytes];
            for (int i = 0; i < width * channels; i++)
            {
                int v = samples[(y * width * channels) + i];
                switch (bitDepth)
                {
                    case 16:
                        row[2 * i] = (byte)(v >> 8);
                        row[(2 * i) + 1] = (byte)v;
                        break;
                    case 8:
                        row[i] = (byte)v;
                        break;
                    default:
                        int bit = i * bitDepth;
                        row[bit / 8] |= (byte)(v << (8 - bitDepth - (bit % 8)));
                        break;
                }
            }

            raw.Write(row);
        }

        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(raw.ToArray());
        }

        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = (byte)colorType;
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>An 8-bit grey PNG from values in [0, 255].</summary>
    public static byte[] GreyPng(int width, int height, Func<int, int, int> value) =>
        Png(width, height, 8, Grey, Enumerable.Range(0, width * height).Select(i => value(i % width, i / width)).ToArray());

    /// <summary>A PNG header claiming a huge size, with no real pixel data.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = Grey;
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Binary PGM (P5); 16-bit samples big-endian when maxValue exceeds 255.</summary>
    public static byte[] PgmBinary(int width, int height, int maxValue, IReadOnlyList<int> samples, string? comment = null)
    {
        var ms = new MemoryStream();
        var header = comment is null ? $"P5\n{width} {height}\n{maxValue}\n" : $"P5\n# {comment}\n{width} {height}\n{maxValue}\n";
        ms.Write(Encoding.ASCII.GetBytes(header));
        foreach (int v in samples)
        {
            if (maxValue > 255)
            {
                ms.WriteByte((byte)(v >> 8));
            }

            ms.WriteByte((byte)v);
        }

        return ms.ToArray();
    }

    /// <summary>ASCII PGM (P2) with a comment line and irregular line breaks.</summary>
    public static byte[] PgmAscii(int width, int height, int maxValue, IReadOnlyList<int> samples)
    {
        var sb = new StringBuilder($"P2\n# written by a test\n{width}  {height}\n{maxValue}\n");
        for (int i = 0; i < samples.Count; i++)
        {
            sb.Append(samples[i]).Append(i % 7 == 6 ? '\n' : ' ');
        }

        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>24-bit BMP or JPEG through stb's writer; pixels interleaved RGB bytes.</summary>
    public static byte[] Stb(int width, int height, byte[] rgb, string format, int jpegQuality = 95)
    {
        var writer = new ImageWriter();
        var ms = new MemoryStream();
        switch (format)
        {
            case "bmp":
                writer.WriteBmp(rgb, width, height, ColorComponents.RedGreenBlue, ms);
                break;
            case "jpg":
                writer.WriteJpg(rgb, width, height, ColorComponents.RedGreenBlue, ms, jpegQuality);
                break;
            case "png8":
                writer.WritePng(rgb, width, height, ColorComponents.RedGreenBlue, ms);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format));
        }

        return ms.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        stream.Write(len);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(len, Crc(typeAndData));
        stream.Write(len);
    }

    private static uint Crc(byte[] data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return c ^ 0xFFFFFFFF;
    }

    private static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
