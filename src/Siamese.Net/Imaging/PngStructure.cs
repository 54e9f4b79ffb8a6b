using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace Siamese.Net.Imaging;

/// <summary>
/// Reads a PNG's header and, on request, checks what stb does not: the CRC-32 of every chunk, the order of the
/// critical chunks, the zlib header, the Adler-32 of the decompressed image data and its length against the header.
/// </summary>
/// <remarks>
/// Without these checks a flipped bit inside IDAT usually decodes into a different image with no error (stb ignores
/// both checksums). CRC-32 detects every single-bit and every burst error up to 32 bits in a chunk; the Adler-32 and
/// length checks catch a chunk whose CRC was recomputed over damaged data (a tool that "repairs" PNGs).
/// </remarks>
internal static class PngStructure
{
    private const int SignatureLength = 8;

    // Adam7 passes: x offset, y offset, x step, y step.
    private static readonly (int X, int Y, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    /// <summary>The fields of IHDR the decoder needs, plus whether a tRNS chunk adds an alpha channel.</summary>
    internal readonly record struct Header(int Width, int Height, int BitDepth, int ColorType, bool Interlaced, bool HasTransparency)
    {
        /// <summary>Samples per pixel as stored (a palette index counts as one).</summary>
        public int StoredChannels => ColorType switch { 2 => 3, 4 => 2, 6 => 4, _ => 1 };

        /// <summary>Channels of stb's output: palettes expand to RGB(A), tRNS adds alpha.</summary>
        public int DecodedChannels => ColorType == 3 ? (HasTransparency ? 4 : 3) : StoredChannels + (HasTransparency && ColorType is 0 or 2 ? 1 : 0);

        /// <summary>Bytes per sample of stb's output (16-bit files decode through its 16-bit path).</summary>
        public int DecodedBytesPerSample => BitDepth == 16 ? 2 : 1;
    }

    /// <summary>
    /// Reads IHDR and scans the chunk headers up to the first IDAT for tRNS, without checking CRCs. Returns false
    /// when the bytes are too short or the first chunk is not IHDR (stb then reports the damage).
    /// </summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> data, out Header header)
    {
        header = default;
        if (data.Length < SignatureLength + 8 + 13 || !data.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return false;
        }

        var ihdr = data.Slice(16, 13);
        int width = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(ihdr), int.MaxValue);
        int height = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(ihdr.Slice(4)), int.MaxValue);
        bool transparency = false;
        int pos = SignatureLength;
        while (pos + 8 <= data.Length)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(pos));
            var type = data.Slice(pos + 4, 4);
            if (type.SequenceEqual("IDAT"u8) || type.SequenceEqual("IEND"u8))
            {
                break;
            }

            transparency |= type.SequenceEqual("tRNS"u8);
            pos = (int)Math.Min(int.MaxValue, pos + 12 + length);
        }

        header = new Header(width, height, ihdr[8], ihdr[9], ihdr[12] == 1, transparency);
        return true;
    }

    /// <summary>Checks every chunk CRC, the chunk order and the zlib stream of the image data.</summary>
    /// <exception cref="InvalidDataException">Naming <paramref name="name"/> and the damaged part.</exception>
    public static void Verify(ReadOnlySpan<byte> data, string name)
    {
        int pos = SignatureLength;
        int chunkIndex = 0;
        Header header = default;
        int idatStart = -1, idatEnd = -1;
        long idatBytes = 0;
        bool sawEnd = false;
        var idatRanges = new List<(int Start, int Length)>();
        while (pos < data.Length)
        {
            if (pos + 12 > data.Length)
            {
                throw Damaged(name, $"truncated: {data.Length - pos} stray bytes at byte {pos} where a chunk should start");
            }

            uint declared = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(pos));
            var type = data.Slice(pos + 4, 4);
            string typeName = ChunkName(type);
            if (!IsChunkName(type))
            {
                throw Damaged(name, $"chunk {chunkIndex} at byte {pos} has an invalid type ({typeName}); the file structure is damaged");
            }

            if (declared > int.MaxValue || pos + 12L + declared > data.Length)
            {
                throw Damaged(name, $"chunk {typeName} at byte {pos} declares {declared} data bytes, beyond the end of the {data.Length}-byte file (truncated or a damaged length)");
            }

            int length = (int)declared;
            var body = data.Slice(pos + 8, length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(pos + 8 + length));
            uint computed = Crc32.Compute(type, body);
            if (stored != computed)
            {
                throw Damaged(name, string.Create(
                    CultureInfo.InvariantCulture,
                    $"chunk {typeName} at byte {pos} fails its CRC-32 check (stored {stored:X8}, computed {computed:X8})"));
            }

            if (chunkIndex == 0)
            {
                if (!type.SequenceEqual("IHDR"u8) || length != 13)
                {
                    throw Damaged(name, $"the first chunk is {typeName} of {length} bytes, not the 13-byte IHDR");
                }

                header = CheckHeader(body, name);
            }
            else if (type.SequenceEqual("IDAT"u8))
            {
                if (idatStart >= 0 && idatEnd != chunkIndex)
                {
                    throw Damaged(name, $"IDAT chunk {chunkIndex} at byte {pos} is separated from the earlier IDAT chunks");
                }

                if (idatStart < 0)
                {
                    idatStart = chunkIndex;
                }

                idatEnd = chunkIndex + 1;
                idatBytes += length;
                idatRanges.Add((pos + 8, length));
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                sawEnd = true;
                break;
            }

            pos += 12 + length;
            chunkIndex++;
        }

        if (!sawEnd)
        {
            throw Damaged(name, $"truncated (no IEND chunk in its {data.Length} bytes)");
        }

        if (idatRanges.Count == 0)
        {
            throw Damaged(name, "no IDAT chunk (no image data)");
        }

        VerifyZlib(data, idatRanges, idatBytes, header, name);
    }

    private static Header CheckHeader(ReadOnlySpan<byte> ihdr, string name)
    {
        uint width = BinaryPrimitives.ReadUInt32BigEndian(ihdr);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(ihdr.Slice(4));
        int depth = ihdr[8], colorType = ihdr[9];
        bool validDepth = colorType switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => false,
        };
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
        {
            throw Damaged(name, $"IHDR gives a size of {width}x{height}");
        }

        if (!validDepth)
        {
            throw Damaged(name, $"IHDR gives colour type {colorType} with bit depth {depth}, a combination PNG does not define");
        }

        if (ihdr[10] != 0 || ihdr[11] != 0 || ihdr[12] > 1)
        {
            throw Damaged(name, $"IHDR gives compression {ihdr[10]}, filter {ihdr[11]}, interlace {ihdr[12]}; PNG defines only 0, 0 and 0 or 1");
        }

        return new Header((int)width, (int)height, depth, colorType, ihdr[12] == 1, false);
    }

    private static void VerifyZlib(ReadOnlySpan<byte> data, List<(int Start, int Length)> ranges, long total, Header header, string name)
    {
        if (total < 6)
        {
            throw Damaged(name, $"the image data is {total} bytes, too short for a zlib stream");
        }

        // The IDAT chunks concatenated form one zlib stream: 2 header bytes, deflate data, Adler-32 of the raw bytes.
        var compressed = new byte[total];
        int offset = 0;
        foreach (var (start, length) in ranges)
        {
            data.Slice(start, length).CopyTo(compressed.AsSpan(offset));
            offset += length;
        }

        int cmf = compressed[0], flg = compressed[1];
        if ((cmf & 0x0F) != 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 != 0 || (flg & 0x20) != 0)
        {
            throw Damaged(name, string.Create(CultureInfo.InvariantCulture, $"the zlib header of the image data is invalid ({cmf:X2} {flg:X2})"));
        }

        uint storedAdler = BinaryPrimitives.ReadUInt32BigEndian(compressed.AsSpan((int)total - 4));
        long expected = ExpectedRawLength(header);
        var adler = default(Adler32);
        long produced = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            using var input = new MemoryStream(compressed, 2, (int)total - 6, writable: false);
            using var inflater = new DeflateStream(input, CompressionMode.Decompress);
            int read;
            while ((read = inflater.Read(buffer, 0, buffer.Length)) > 0)
            {
                adler.Append(buffer.AsSpan(0, read));
                produced += read;
                if (produced > expected)
                {
                    break;
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw Damaged(name, $"the compressed image data is corrupt ({ex.Message})", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (produced != expected)
        {
            throw Damaged(name, string.Create(
                CultureInfo.InvariantCulture,
                $"the image data decompresses to {(produced > expected ? "more than " : string.Empty)}{produced} bytes; a {header.Width}x{header.Height} image of colour type {header.ColorType} at {header.BitDepth} bit needs {expected}"));
        }

        if (adler.Value != storedAdler)
        {
            throw Damaged(name, string.Create(
                CultureInfo.InvariantCulture,
                $"the image data fails its zlib Adler-32 check (stored {storedAdler:X8}, computed {adler.Value:X8})"));
        }
    }

    /// <summary>Filter bytes plus packed rows, over the Adam7 passes for an interlaced image.</summary>
    private static long ExpectedRawLength(Header header)
    {
        long bitsPerPixel = (long)header.StoredChannels * header.BitDepth;
        long Rows(long width, long height) => width == 0 || height == 0 ? 0 : height * (1 + (((width * bitsPerPixel) + 7) / 8));
        if (!header.Interlaced)
        {
            return Rows(header.Width, header.Height);
        }

        long total = 0;
        foreach (var (x, y, dx, dy) in Adam7)
        {
            long w = Math.Max(0, (header.Width - x + dx - 1) / dx);
            long h = Math.Max(0, (header.Height - y + dy - 1) / dy);
            total += Rows(w, h);
        }

        return total;
    }

    private static bool IsChunkName(ReadOnlySpan<byte> type)
    {
        foreach (byte b in type)
        {
            if (!((b >= (byte)'A' && b <= (byte)'Z') || (b >= (byte)'a' && b <= (byte)'z')))
            {
                return false;
            }
        }

        return true;
    }

    private static string ChunkName(ReadOnlySpan<byte> type) =>
        IsChunkName(type) ? System.Text.Encoding.ASCII.GetString(type) : "0x" + Convert.ToHexString(type);

    private static InvalidDataException Damaged(string name, string what, Exception? inner = null) =>
        new($"{name}: corrupt PNG: {what}. Restore the file from a good copy or remove it from the data set.", inner);
}
