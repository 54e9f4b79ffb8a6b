using System.Buffers.Binary;
using System.Globalization;

namespace Siamese.Net.Imaging;

/// <summary>Recognises formats by signature and rejects files cut short before decoding them.</summary>
internal static class ImageFormatSniffer
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static ImageFormat Detect(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(PngSignature))
        {
            return ImageFormat.Png;
        }

        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }

        if (data.Length >= 2 && data[0] == (byte)'B' && data[1] == (byte)'M')
        {
            return ImageFormat.Bmp;
        }

        if (data.Length >= 3 && data[0] == (byte)'P' && (data[1] == (byte)'5' || data[1] == (byte)'2') && IsWhitespaceOrComment(data[2]))
        {
            return ImageFormat.Pgm;
        }

        return ImageFormat.Unknown;
    }

    public static void CheckComplete(ReadOnlySpan<byte> data, ImageFormat format, string name)
    {
        switch (format)
        {
            case ImageFormat.Png:
                // Every PNG ends with the IEND chunk; a download or copy cut short loses it.
                if (data.LastIndexOf("IEND"u8) < 0)
                {
                    throw new InvalidDataException($"{name}: truncated PNG (no IEND chunk in its {data.Length} bytes).");
                }

                break;
            case ImageFormat.Jpeg:
                // Entropy-coded data escapes 0xFF, so an end-of-image marker after the last start-of-scan can only be
                // the real one; without it stb would fill the missing rows with grey and report success.
                int lastScan = data.LastIndexOf([(byte)0xFF, (byte)0xDA]);
                if (lastScan < 0 || data.Slice(lastScan).IndexOf([(byte)0xFF, (byte)0xD9]) < 0)
                {
                    throw new InvalidDataException($"{name}: truncated JPEG (no end-of-image marker after its image data).");
                }

                break;
            case ImageFormat.Bmp:
                CheckBmp(data, name);
                break;
        }
    }

    public static bool TryReadPngSize(ReadOnlySpan<byte> data, out int width, out int height)
    {
        // Signature (8), IHDR length (4) and type (4), then width and height.
        if (data.Length >= 24 && data.StartsWith(PngSignature) && data.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            width = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data.Slice(16)), int.MaxValue);
            height = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data.Slice(20)), int.MaxValue);
            return true;
        }

        width = height = 0;
        return false;
    }

    public static string Describe(ReadOnlySpan<byte> data)
    {
        var head = data.Slice(0, Math.Min(8, data.Length));
        return string.Join(' ', head.ToArray().Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));
    }

    private static void CheckBmp(ReadOnlySpan<byte> data, string name)
    {
        if (data.Length < 26)
        {
            throw new InvalidDataException($"{name}: truncated BMP ({data.Length} bytes is shorter than its headers).");
        }

        uint pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(10));
        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(14));
        if (headerSize < 40 || data.Length < 14 + 40)
        {
            // OS/2 core headers are rare; let stb judge them.
            return;
        }

        int width = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(18));
        int height = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(22));
        ushort bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(28));
        uint compression = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(30));
        const uint BiRgb = 0, BiBitfields = 3;
        if ((compression != BiRgb && compression != BiBitfields) || width <= 0 || bitsPerPixel == 0)
        {
            return;
        }

        long rowBytes = (((long)width * bitsPerPixel) + 31) / 32 * 4;
        long needed = pixelOffset + (rowBytes * Math.Abs((long)height));
        if (data.Length < needed)
        {
            throw new InvalidDataException(
                $"{name}: truncated BMP: {width}x{Math.Abs((long)height)} at {bitsPerPixel} bit needs {needed} bytes, the file has {data.Length}.");
        }
    }

    private static bool IsWhitespaceOrComment(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'#';
}
