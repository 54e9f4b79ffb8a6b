using System.Globalization;

namespace Siamese.Net.Imaging;

/// <summary>
/// Netpbm greymap reader: binary P5 and ASCII P2, 8- and 16-bit (maxval up to 65535, 16-bit samples big-endian as
/// the format specifies). Samples are scaled by maxval, so a 4-bit image with maxval 15 still spans [0, 1].
/// </summary>
internal static class PgmParser
{
    public static DecodedImage Parse(ReadOnlySpan<byte> data, string name, long maxPixels, long maxDecodedBytes)
    {
        bool binary = data[1] == (byte)'5';
        int pos = 2;
        int width = ReadHeaderInt(data, ref pos, name, "width");
        int height = ReadHeaderInt(data, ref pos, name, "height");
        int maxValue = ReadHeaderInt(data, ref pos, name, "maxval");
        if (width < 1 || height < 1)
        {
            throw new InvalidDataException($"{name}: PGM header gives a size of {width}x{height}; both must be at least 1.");
        }

        if (maxValue < 1 || maxValue > 65535)
        {
            throw new InvalidDataException($"{name}: PGM maxval is {maxValue}; it must be between 1 and 65535.");
        }

        long pixels = (long)width * height;
        if (pixels > maxPixels)
        {
            throw new InvalidDataException(
                $"{name}: the image is {width}x{height} = {pixels} pixels, more than the decoder's limit of {maxPixels} (a decompression bomb or a wrong header).");
        }

        int bytesPerSample = maxValue < 256 ? 1 : 2;
        if (pixels * bytesPerSample > maxDecodedBytes)
        {
            throw new InvalidDataException(
                $"{name}: the image is {width}x{height} at {bytesPerSample * 8} bit = {pixels * bytesPerSample} bytes decoded, more than the decoder's limit of {maxDecodedBytes} bytes (MaxDecodedBytes).");
        }

        var bytes = bytesPerSample == 1 ? new byte[pixels] : null;
        var words = bytesPerSample == 2 ? new ushort[pixels] : null;
        if (binary)
        {
            // Exactly one whitespace character separates maxval from the raster.
            if (pos >= data.Length || !IsWhitespace(data[pos]))
            {
                throw new InvalidDataException($"{name}: PGM header is not followed by a whitespace character before the pixel data.");
            }

            pos++;
            long needed = pixels * bytesPerSample;
            long available = data.Length - pos;
            if (available < needed)
            {
                throw new InvalidDataException(
                    $"{name}: truncated P5 image: {width}x{height} at {bytesPerSample * 8} bit needs {needed} bytes of pixel data, the file has {available}.");
            }

            var raster = data.Slice(pos);
            for (int i = 0; i < pixels; i++)
            {
                int v = bytesPerSample == 1 ? raster[i] : (raster[2 * i] << 8) | raster[(2 * i) + 1];
                Store(v, i, bytes, words, maxValue, name, width);
            }
        }
        else
        {
            for (int i = 0; i < pixels; i++)
            {
                SkipWhitespace(data, ref pos, allowComments: false);
                if (pos >= data.Length)
                {
                    throw new InvalidDataException($"{name}: truncated P2 image: it has {i} of the {pixels} samples its header announces.");
                }

                int v = ReadInt(data, ref pos, name, $"sample {i}");
                Store(v, i, bytes, words, maxValue, name, width);
            }
        }

        return bytes is not null
            ? DecodedImage.FromBytes(width, height, 1, bytes, maxValue)
            : DecodedImage.FromWords(width, height, 1, words!, maxValue);
    }

    private static void Store(int value, int index, byte[]? bytes, ushort[]? words, int maxValue, string name, int width)
    {
        if (value > maxValue)
        {
            throw new InvalidDataException(
                $"{name}: PGM sample at row {index / width}, column {index % width} is {value}, above the header's maxval {maxValue}.");
        }

        if (bytes is not null)
        {
            bytes[index] = (byte)value;
        }
        else
        {
            words![index] = (ushort)value;
        }
    }

    private static int ReadHeaderInt(ReadOnlySpan<byte> data, ref int pos, string name, string field)
    {
        SkipWhitespace(data, ref pos, allowComments: true);
        if (pos >= data.Length)
        {
            throw new InvalidDataException($"{name}: truncated PGM header: it ends before the {field}.");
        }

        return ReadInt(data, ref pos, name, field);
    }

    private static int ReadInt(ReadOnlySpan<byte> data, ref int pos, string name, string field)
    {
        int start = pos;
        long value = 0;
        while (pos < data.Length && data[pos] >= (byte)'0' && data[pos] <= (byte)'9')
        {
            value = (value * 10) + (data[pos] - '0');
            if (value > int.MaxValue)
            {
                throw new InvalidDataException($"{name}: PGM {field} is too large.");
            }

            pos++;
        }

        if (pos == start || (pos < data.Length && !IsWhitespace(data[pos]) && data[pos] != (byte)'#'))
        {
            string found = pos < data.Length ? ((char)data[pos]).ToString(CultureInfo.InvariantCulture) : "end of file";
            throw new InvalidDataException($"{name}: PGM {field} is not a decimal number (found '{found}' at byte {pos}).");
        }

        return (int)value;
    }

    private static void SkipWhitespace(ReadOnlySpan<byte> data, ref int pos, bool allowComments)
    {
        while (pos < data.Length)
        {
            if (IsWhitespace(data[pos]))
            {
                pos++;
            }
            else if (allowComments && data[pos] == (byte)'#')
            {
                while (pos < data.Length && data[pos] != (byte)'\n' && data[pos] != (byte)'\r')
                {
                    pos++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C;
}
