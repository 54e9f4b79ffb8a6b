using System.Buffers.Binary;
using System.Globalization;

namespace Siamese.Net.Imaging;

/// <summary>
/// Walks a JPEG's marker segments: start- and end-of-image markers, the length of every segment against the file
/// and against its content (frame, scan, Huffman and quantisation tables), restart-marker order inside the scans, and
/// the EXIF orientation of an APP1 segment.
/// </summary>
/// <remarks>
/// JPEG has no checksum, so a flipped bit inside the entropy-coded data can only be caught when it breaks the structure
/// (an invented marker, a restart marker out of order); damage in the headers is caught by the length checks.
/// </remarks>
internal static class JpegStructure
{
    private const string FatalKey = "Siamese.Net.JpegStructure.Fatal";

    /// <summary>What the walk found: the frame size and components, and the EXIF orientation (1 when absent).</summary>
    internal readonly record struct Info(int Width, int Height, int Components, int Orientation);

    /// <summary>
    /// Walks the file. With <paramref name="strict"/> any structural damage throws; without it the walk stops quietly at
    /// the first problem (stb then judges the file) and returns what it found so far, except for a segment length past
    /// the end of the file, which always throws because stb would loop forever on it.
    /// </summary>
    /// <exception cref="InvalidDataException">Strict, and the structure is damaged; the message names the file and the segment.</exception>
    public static Info Walk(ReadOnlySpan<byte> data, string name, bool strict)
    {
        int width = 0, height = 0, components = 0, orientation = 1;
        var componentIds = new List<int>();
        var quantisationTables = new List<int>();
        var frameTables = new List<int>();
        var huffmanTables = new HashSet<int>(); // class * 4 + id
        int frameMarker = 0;
        bool sawFrame = false, sawScan = false;
        int pos = 2;
        try
        {
            while (true)
            {
                if (pos >= data.Length)
                {
                    throw Damaged(name, "truncated (no end-of-image marker)");
                }

                if (data[pos] != 0xFF)
                {
                    throw Damaged(name, Invariant($"expected a marker at byte {pos}, found 0x{data[pos]:X2} (damaged segment length or stray bytes)"));
                }

                while (pos < data.Length && data[pos] == 0xFF)
                {
                    pos++; // fill bytes
                }

                if (pos >= data.Length)
                {
                    throw Damaged(name, "truncated (the file ends inside a marker)");
                }

                int marker = data[pos];
                int markerAt = pos - 1;
                pos++;
                if (marker == 0xD9)
                {
                    break; // end of image; anything after it (phone makers append data) is not the image
                }

                if (marker == 0xD8 || marker == 0x00 || marker is >= 0xD0 and <= 0xD7)
                {
                    throw Damaged(name, Invariant($"unexpected marker FF{marker:X2} at byte {markerAt}"));
                }

                if (marker == 0x01)
                {
                    continue; // TEM has no length
                }

                if (marker < 0xC0)
                {
                    throw Damaged(name, Invariant($"reserved marker FF{marker:X2} at byte {markerAt} (a damaged marker)"));
                }

                if (pos + 2 > data.Length)
                {
                    throw Damaged(name, Invariant($"truncated (segment FF{marker:X2} at byte {markerAt} has no length)"));
                }

                int length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(pos));
                if (length < 2 || pos + length > data.Length)
                {
                    // Fatal even when not strict: stb follows such a length past the end of the data and never returns.
                    var error = Damaged(name, Invariant($"segment {SegmentName(marker)} at byte {markerAt} declares {length} bytes, beyond the end of the {data.Length}-byte file or below the minimum of 2"));
                    error.Data[FatalKey] = true;
                    throw error;
                }

                var segment = data.Slice(pos + 2, length - 2);
                string where = Invariant($"segment {SegmentName(marker)} at byte {markerAt}");
                pos += length;
                switch (marker)
                {
                    case >= 0xC0 and <= 0xCF when marker is not (0xC4 or 0xC8 or 0xCC):
                        if (sawFrame)
                        {
                            throw Damaged(name, $"{where} is a second frame header");
                        }

                        (width, height, components) = CheckFrame(segment, componentIds, frameTables, name, where);
                        frameMarker = marker;
                        sawFrame = true;
                        break;
                    case 0xC4:
                        CheckHuffmanTables(segment, huffmanTables, name, where);
                        break;
                    case 0xDB:
                        CheckQuantisationTables(segment, quantisationTables, name, where);
                        break;
                    case 0xDD:
                        if (segment.Length != 2)
                        {
                            throw Damaged(name, $"{where} (restart interval) has {segment.Length} data bytes, not 2");
                        }

                        break;
                    case 0xDA:
                        if (!sawFrame)
                        {
                            throw Damaged(name, $"{where}: a scan before any frame header");
                        }

                        foreach (int table in frameTables.Where(t => !quantisationTables.Contains(t)))
                        {
                            throw Damaged(name, $"{where}: the frame uses quantisation table {table}, which no DQT segment defines");
                        }

                        CheckScanHeader(segment, componentIds, huffmanTables, frameMarker, name, where);
                        sawScan = true;
                        pos = SkipEntropyCodedData(data, pos, name, where);
                        break;
                    case 0xE1:
                        if (segment.StartsWith("Exif\0\0"u8))
                        {
                            orientation = ReadOrientation(segment.Slice(6));
                        }

                        break;
                }
            }

            if (!sawFrame || !sawScan)
            {
                throw Damaged(name, sawFrame ? "no scan (no image data)" : "no frame header");
            }
        }
        catch (InvalidDataException e) when (!strict && !e.Data.Contains(FatalKey))
        {
            // Lenient: stb judges the file; keep what was found.
        }

        return new Info(width, height, components, orientation);
    }

    private static (int Width, int Height, int Components) CheckFrame(ReadOnlySpan<byte> segment, List<int> ids, List<int> tables, string name, string where)
    {
        if (segment.Length < 6)
        {
            throw Damaged(name, $"{where} (frame header) is {segment.Length} bytes, too short");
        }

        int precision = segment[0];
        int height = BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(1));
        int width = BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(3));
        int count = segment[5];
        if (precision is not (8 or 12 or 16) || width == 0 || height == 0 || count is < 1 or > 4)
        {
            throw Damaged(name, $"{where} (frame header) gives {precision}-bit precision, size {width}x{height}, {count} components");
        }

        if (segment.Length != 6 + (3 * count))
        {
            throw Damaged(name, $"{where} (frame header) is {segment.Length} bytes; {count} components need {6 + (3 * count)}");
        }

        for (int i = 0; i < count; i++)
        {
            var component = segment.Slice(6 + (3 * i), 3);
            int h = component[1] >> 4, v = component[1] & 0x0F, table = component[2];
            if (h is < 1 or > 4 || v is < 1 or > 4 || table > 3)
            {
                throw Damaged(name, $"{where} (frame header): component {i} has sampling {h}x{v} and quantisation table {table}");
            }

            ids.Add(component[0]);
            tables.Add(table);
        }

        return (width, height, count);
    }

    private static void CheckHuffmanTables(ReadOnlySpan<byte> segment, HashSet<int> defined, string name, string where)
    {
        int offset = 0;
        while (offset < segment.Length)
        {
            int classAndId = segment[offset];
            if ((classAndId >> 4) > 1 || (classAndId & 0x0F) > 3 || offset + 17 > segment.Length)
            {
                throw Damaged(name, Invariant($"{where} (Huffman table) is malformed at offset {offset}"));
            }

            defined.Add(((classAndId >> 4) * 4) + (classAndId & 0x0F));
            int symbols = 0;
            for (int i = 1; i <= 16; i++)
            {
                symbols += segment[offset + i];
            }

            offset += 17 + symbols;
            if (symbols > 256 || offset > segment.Length)
            {
                throw Damaged(name, Invariant($"{where} (Huffman table) lists {symbols} symbols, more than its length holds"));
            }
        }
    }

    private static void CheckQuantisationTables(ReadOnlySpan<byte> segment, List<int> defined, string name, string where)
    {
        int offset = 0;
        while (offset < segment.Length)
        {
            int precisionAndId = segment[offset];
            if ((precisionAndId >> 4) > 1 || (precisionAndId & 0x0F) > 3)
            {
                throw Damaged(name, Invariant($"{where} (quantisation table) is malformed at offset {offset}"));
            }

            defined.Add(precisionAndId & 0x0F);
            offset += 1 + (64 * ((precisionAndId >> 4) + 1));
            if (offset > segment.Length)
            {
                throw Damaged(name, $"{where} (quantisation table) is shorter than its tables");
            }
        }
    }

    private static void CheckScanHeader(ReadOnlySpan<byte> segment, List<int> ids, HashSet<int> huffmanTables, int frameMarker, string name, string where)
    {
        int count = segment.Length > 0 ? segment[0] : 0;
        if (count is < 1 or > 4 || segment.Length != 4 + (2 * count))
        {
            throw Damaged(name, $"{where} (scan header) is {segment.Length} bytes for {count} components");
        }

        int ss = segment[1 + (2 * count)], se = segment[2 + (2 * count)], ah = segment[3 + (2 * count)] >> 4;
        bool progressive = frameMarker is 0xC2 or 0xC6 or 0xCA or 0xCE;
        bool sequentialOk = ss == 0 && se == 63 && segment[3 + (2 * count)] == 0;
        bool progressiveOk = se <= 63 && ss <= se && (ss == 0 ? se == 0 : count == 1) && ah <= 13;
        if (progressive ? !progressiveOk : !sequentialOk)
        {
            throw Damaged(name, Invariant($"{where} (scan header): spectral selection {ss}..{se} and approximation {segment[3 + (2 * count)]:X2} do not fit a {(progressive ? "progressive" : "sequential")} frame"));
        }

        bool huffman = frameMarker is >= 0xC0 and <= 0xC7;
        for (int i = 0; i < count; i++)
        {
            int id = segment[1 + (2 * i)];
            if (!ids.Contains(id))
            {
                throw Damaged(name, $"{where} (scan header) names component {id}, which the frame header does not have");
            }

            int dc = segment[2 + (2 * i)] >> 4, ac = segment[2 + (2 * i)] & 0x0F;
            bool needsDc = !progressive || (ss == 0 && ah == 0);
            bool needsAc = !progressive || ss > 0;
            if (huffman && ((needsDc && !huffmanTables.Contains(dc)) || (needsAc && !huffmanTables.Contains(4 + ac))))
            {
                throw Damaged(name, $"{where} (scan header): component {id} uses Huffman tables DC {dc} / AC {ac}, which no DHT segment defines");
            }
        }
    }

    /// <summary>Skips a scan's entropy-coded data (0xFF is stuffed as FF 00); returns the position of the next marker.</summary>
    private static int SkipEntropyCodedData(ReadOnlySpan<byte> data, int pos, string name, string where)
    {
        int expectedRestart = 0;
        while (true)
        {
            int next = data.Slice(pos).IndexOf((byte)0xFF);
            if (next < 0 || pos + next + 1 >= data.Length)
            {
                throw Damaged(name, $"truncated: the image data after {where} has no end-of-image marker");
            }

            pos += next;
            byte after = data[pos + 1];
            if (after == 0x00)
            {
                pos += 2;
            }
            else if (after is >= 0xD0 and <= 0xD7)
            {
                if (after - 0xD0 != expectedRestart)
                {
                    throw Damaged(name, Invariant($"restart marker RST{after - 0xD0} at byte {pos} is out of order (expected RST{expectedRestart}); the image data is damaged"));
                }

                expectedRestart = (expectedRestart + 1) & 7;
                pos += 2;
            }
            else
            {
                return pos;
            }
        }
    }

    /// <summary>Tag 0x0112 of IFD0 of the TIFF structure inside an EXIF segment; 1 when absent or unreadable.</summary>
    internal static int ReadOrientation(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8)
        {
            return 1;
        }

        bool little = tiff[0] == (byte)'I' && tiff[1] == (byte)'I';
        if (!little && !(tiff[0] == (byte)'M' && tiff[1] == (byte)'M'))
        {
            return 1;
        }

        if (U16(tiff, 2, little) != 42)
        {
            return 1;
        }

        uint ifd = little ? BinaryPrimitives.ReadUInt32LittleEndian(tiff.Slice(4)) : BinaryPrimitives.ReadUInt32BigEndian(tiff.Slice(4));
        if (ifd > tiff.Length - 2)
        {
            return 1;
        }

        int entries = U16(tiff, (int)ifd, little);
        for (int i = 0; i < entries; i++)
        {
            int entry = (int)ifd + 2 + (12 * i);
            if (entry + 12 > tiff.Length)
            {
                return 1;
            }

            if (U16(tiff, entry, little) == 0x0112 && U16(tiff, entry + 2, little) == 3)
            {
                int value = U16(tiff, entry + 8, little);
                return value is >= 1 and <= 8 ? value : 1;
            }
        }

        return 1;
    }

    private static ushort U16(ReadOnlySpan<byte> data, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(at)) : BinaryPrimitives.ReadUInt16BigEndian(data.Slice(at));

    private static string SegmentName(int marker) => marker switch
    {
        0xC4 => "DHT",
        0xDB => "DQT",
        0xDA => "SOS",
        0xDD => "DRI",
        0xFE => "COM",
        >= 0xE0 and <= 0xEF => Invariant($"APP{marker - 0xE0}"),
        >= 0xC0 and <= 0xCF => Invariant($"SOF{marker - 0xC0}"),
        _ => Invariant($"FF{marker:X2}"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static InvalidDataException Damaged(string name, string what) =>
        new($"{name}: corrupt JPEG: {what}. Restore the file from a good copy or remove it from the data set.");
}
