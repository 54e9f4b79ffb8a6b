using System.Buffers.Binary;
using Siamese.Net.Imaging;
using W = Siamese.Net.Tests.TestSupport.TestImageWriter;

namespace Siamese.Net.Tests.Imaging;

/// <summary>
/// Bit rot and damaged files: what stb alone decodes silently into a different image, and what the integrity checks
/// of <see cref="StbImageDecoder"/> reject by name.
/// </summary>
public sealed class ImageIntegrityTests
{
    private static readonly StbImageDecoder Checked = new();
    private static readonly StbImageDecoder Unchecked = new() { VerifyIntegrity = false };

    /// <summary>A 48x40 grey PNG with texture, so most flipped bits change pixels.</summary>
    private static byte[] TexturedPng() =>
        W.GreyPng(48, 40, (x, y) => ((x * 37) + (y * 91) + ((x * y) % 17)) & 0xFF);

    /// <summary>Offsets and lengths of every chunk's data: (type, dataStart, length).</summary>
    private static List<(string Type, int Start, int Length)> Chunks(byte[] png)
    {
        var result = new List<(string, int, int)>();
        int pos = 8;
        while (pos + 12 <= png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            result.Add((type, pos + 8, length));
            pos += 12 + length;
        }

        return result;
    }

    private static void RecomputeCrc(byte[] png, int dataStart, int length)
    {
        uint crc = Crc32.Compute(png.AsSpan(dataStart - 4, 4), png.AsSpan(dataStart, length));
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(dataStart + length), crc);
    }

    /// <summary>Null when the decoder threw InvalidDataException, else the decoded pixels.</summary>
    private static float[]? TryDecode(StbImageDecoder decoder, byte[] bytes, string name)
    {
        try
        {
            using var t = decoder.Decode(bytes, ColorMode.Grayscale, name);
            return t.data<float>().ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static (int Silent, int Tried) CountSilentlyDifferent(StbImageDecoder decoder, byte[] original, bool recomputeCrc, int flips)
    {
        var reference = TryDecode(decoder, original, "original.png")!;
        var idat = Chunks(original).Single(c => c.Type == "IDAT");
        var random = new Random(1234);
        int silent = 0;
        for (int i = 0; i < flips; i++)
        {
            var damaged = (byte[])original.Clone();
            int bit = random.Next(idat.Length * 8);
            damaged[idat.Start + (bit / 8)] ^= (byte)(1 << (bit % 8));
            if (recomputeCrc)
            {
                RecomputeCrc(damaged, idat.Start, idat.Length);
            }

            var decoded = TryDecode(decoder, damaged, "flipped.png");
            if (decoded is not null && !decoded.AsSpan().SequenceEqual(reference))
            {
                silent++;
            }
        }

        return (silent, flips);
    }

    [Fact]
    public void Single_bit_flips_in_IDAT_never_decode_silently_into_a_different_image()
    {
        var png = TexturedPng();
        // The method: 375 single-bit flips inside IDAT, counted as decoded-without-error-but-different.
        var before = CountSilentlyDifferent(Unchecked, png, recomputeCrc: false, flips: 375);
        var after = CountSilentlyDifferent(Checked, png, recomputeCrc: false, flips: 375);

        before.Silent.Should().BeGreaterThan(50, "stb checks neither the chunk CRC nor the zlib Adler-32");
        after.Silent.Should().Be(0, $"every flip must be caught (unchecked decoding let {before.Silent} of {before.Tried} through)");
    }

    [Fact]
    public void Flips_behind_a_recomputed_CRC_are_caught_by_the_zlib_Adler32_and_length_checks()
    {
        var png = TexturedPng();
        var before = CountSilentlyDifferent(Unchecked, png, recomputeCrc: true, flips: 375);
        var after = CountSilentlyDifferent(Checked, png, recomputeCrc: true, flips: 375);

        before.Silent.Should().BeGreaterThan(50);
        after.Silent.Should().Be(0);
    }

    [Fact]
    public void A_damaged_chunk_is_named_with_the_file_and_the_check_that_failed()
    {
        var png = TexturedPng();
        var idat = Chunks(png).Single(c => c.Type == "IDAT");
        var damaged = (byte[])png.Clone();
        damaged[idat.Start + 5] ^= 0x10;
        var act = () => Checked.Decode(damaged, ColorMode.Grayscale, "scans/page-7.png");
        act.Should().Throw<InvalidDataException>().WithMessage("*scans/page-7.png*corrupt PNG*chunk IDAT*CRC-32*");

        RecomputeCrc(damaged, idat.Start, idat.Length);
        act.Should().Throw<InvalidDataException>().WithMessage("*scans/page-7.png*corrupt PNG*image data*");

        var header = (byte[])png.Clone();
        header[16 + 3] ^= 0x01; // IHDR width
        var headerAct = () => Checked.Decode(header, ColorMode.Grayscale, "h.png");
        headerAct.Should().Throw<InvalidDataException>().WithMessage("*h.png*chunk IHDR*CRC-32*");
    }

    [Fact]
    public void Turning_the_checks_off_decodes_what_stb_can_read_and_good_files_decode_the_same_either_way()
    {
        var png = TexturedPng();
        TryDecode(Checked, png, "a.png").Should().Equal(TryDecode(Unchecked, png, "a.png"));
        var jpeg = W.Stb(16, 8, Enumerable.Range(0, 16 * 8 * 3).Select(i => (byte)(i * 7)).ToArray(), "jpg");
        TryDecode(Checked, jpeg, "a.jpg").Should().Equal(TryDecode(Unchecked, jpeg, "a.jpg"));

        var idat = Chunks(png).Single(c => c.Type == "IDAT");
        var damaged = (byte[])png.Clone();
        damaged[idat.Start + idat.Length - 1] ^= 0x01; // inside the Adler-32 trailer: the pixels are intact
        TryDecode(Unchecked, damaged, "b.png").Should().Equal(TryDecode(Checked, png, "a.png"));
        TryDecode(Checked, damaged, "b.png").Should().BeNull();
    }

    [Fact]
    public void Interlaced_and_multi_chunk_pngs_pass_the_checks()
    {
        // Split IDAT into three chunks: legal, and the Adler-32 then spans chunk boundaries.
        var png = TexturedPng();
        var idat = Chunks(png).Single(c => c.Type == "IDAT");
        var data = png.AsSpan(idat.Start, idat.Length).ToArray();
        int third = data.Length / 3;
        var rebuilt = new MemoryStream();
        rebuilt.Write(png, 0, idat.Start - 8);
        foreach (var part in new[] { data[..third], data[third..(2 * third)], data[(2 * third)..] })
        {
            WriteChunk(rebuilt, "IDAT", part);
        }

        rebuilt.Write(png, idat.Start + idat.Length + 4, png.Length - (idat.Start + idat.Length + 4));
        TryDecode(Checked, rebuilt.ToArray(), "split.png").Should().Equal(TryDecode(Checked, png, "a.png"));
    }

    [Fact]
    public void Jpeg_structure_damage_is_named_and_rejected()
    {
        var rgb = Enumerable.Range(0, 32 * 16 * 3).Select(i => (byte)((i * 13) % 251)).ToArray();
        var jpeg = W.Stb(32, 16, rgb, "jpg");
        int dqt = IndexOfMarker(jpeg, 0xDB);

        var badLength = (byte[])jpeg.Clone();
        badLength[dqt + 3] ^= 0x40; // DQT length grows by 64: the next marker is read from the middle of a table
        var act = () => Checked.Decode(badLength, ColorMode.Rgb, "photo.jpg");
        act.Should().Throw<InvalidDataException>().WithMessage("*photo.jpg*corrupt JPEG*");

        var sof = IndexOfMarker(jpeg, 0xC0);
        var badFrame = (byte[])jpeg.Clone();
        badFrame[sof + 9] = 2; // two components where the segment holds three
        var frameAct = () => Checked.Decode(badFrame, ColorMode.Rgb, "frame.jpg");
        frameAct.Should().Throw<InvalidDataException>().WithMessage("*frame.jpg*corrupt JPEG*SOF0*frame header*");

        var stray = jpeg.Take(sof).Concat(new byte[] { 0x00, 0x11 }).Concat(jpeg.Skip(sof)).ToArray();
        var strayAct = () => Checked.Decode(stray, ColorMode.Rgb, "stray.jpg");
        strayAct.Should().Throw<InvalidDataException>().WithMessage("*stray.jpg*expected a marker at byte*");
    }

    [Fact]
    public void A_jpeg_segment_length_past_the_end_of_the_file_is_rejected_even_with_the_checks_off()
    {
        // stb follows such a length past the end of its data and never returns (found by the flip test below).
        var jpeg = W.Stb(32, 16, new byte[32 * 16 * 3], "jpg");
        var damaged = (byte[])jpeg.Clone();
        damaged[4] ^= 0x08; // APP0 length 0x0010 -> 0x0810, beyond the end of the file
        var act = () => Unchecked.Decode(damaged, ColorMode.Grayscale, "loop.jpg");
        act.Should().Throw<InvalidDataException>().WithMessage("*loop.jpg*segment APP0 at byte 2 declares 2064 bytes*");
    }

    [Fact]
    public void No_bit_flip_in_a_jpeg_marker_or_segment_length_decodes_silently()
    {
        var rgb = Enumerable.Range(0, 32 * 16 * 3).Select(i => (byte)((i * 13) % 251)).ToArray();
        var jpeg = W.Stb(32, 16, rgb, "jpg");
        int sos = IndexOfMarker(jpeg, 0xDA);
        var reference = DecodeRgb(Checked, jpeg)!;
        int silent = 0, flips = 0;
        // Only the bytes that hold structure: marker codes and segment lengths of every header segment. (stb alone
        // is not run on these: some of them send it into a loop.)
        foreach (int at in StructureBytes(jpeg, sos))
        {
            for (int bit = 0; bit < 8; bit++)
            {
                var damaged = (byte[])jpeg.Clone();
                damaged[at] ^= (byte)(1 << bit);
                flips++;
                var decoded = DecodeRgb(Checked, damaged);
                silent += decoded is not null && !decoded.AsSpan().SequenceEqual(reference) ? 1 : 0;
            }
        }

        flips.Should().BeGreaterThan(50);
        silent.Should().Be(0);
    }

    [Theory]
    [InlineData(6, false)]
    [InlineData(8, false)]
    [InlineData(6, true)]
    [InlineData(3, true)]
    public void Jpeg_exif_orientation_turns_the_image_upright(int orientation, bool littleEndian)
    {
        // Stored 16 wide x 8 high: left half black, right half white.
        var rgb = new byte[16 * 8 * 3];
        for (int y = 0; y < 8; y++)
        {
            for (int x = 8; x < 16; x++)
            {
                rgb[(((y * 16) + x) * 3) + 0] = rgb[(((y * 16) + x) * 3) + 1] = rgb[(((y * 16) + x) * 3) + 2] = 255;
            }
        }

        var jpeg = WithExifOrientation(W.Stb(16, 8, rgb, "jpg", jpegQuality: 100), orientation, littleEndian);
        using var upright = Checked.Decode(jpeg, ColorMode.Grayscale, "phone.jpg");
        using var asStored = new StbImageDecoder { ApplyExifOrientation = false }.Decode(jpeg, ColorMode.Grayscale, "phone.jpg");
        asStored.shape.Should().Equal(1, 8, 16);
        var v = upright.data<float>().ToArray();
        if (orientation == 3)
        {
            upright.shape.Should().Equal(1, 8, 16);
            v[(4 * 16) + 1].Should().BeGreaterThan(0.9f, "rotated 180: the white half is now on the left");
            v[(4 * 16) + 14].Should().BeLessThan(0.1f);
            return;
        }

        upright.shape.Should().Equal([1L, 16, 8], "a quarter turn swaps width and height");
        float top = v[(1 * 8) + 4], bottom = v[(14 * 8) + 4];
        if (orientation == 6)
        {
            // Turned 90 clockwise: the stored left (black) edge becomes the top.
            top.Should().BeLessThan(0.1f);
            bottom.Should().BeGreaterThan(0.9f);
        }
        else
        {
            top.Should().BeGreaterThan(0.9f);
            bottom.Should().BeLessThan(0.1f);
        }
    }

    [Fact]
    public void Decoded_bytes_are_capped_from_the_header_not_just_the_pixel_count()
    {
        // 6000 x 6000 = 36 MP, under the 64 MP pixel cap, but RGBA at 16 bits decodes to 288,000,000 bytes.
        var bomb = PngHeader(6000, 6000, bitDepth: 16, colorType: W.Rgba);
        var act = () => Checked.Decode(bomb, ColorMode.Grayscale, "huge.png");
        act.Should().Throw<InvalidDataException>().WithMessage("*huge.png*6000x6000 with 4 channel(s) of 16 bit = 288000000 bytes*MaxDecodedBytes*");

        var small = new StbImageDecoder { MaxDecodedBytes = 15 };
        var grey16 = () => small.Decode(W.GreyPng(4, 4, (x, y) => x + y), ColorMode.Grayscale, "a.png");
        grey16.Should().Throw<InvalidDataException>().WithMessage("*a.png*16 bytes*");
        var pgm = () => small.Decode(W.PgmBinary(4, 4, 255, new int[16]), ColorMode.Grayscale, "a.pgm");
        pgm.Should().Throw<InvalidDataException>().WithMessage("*a.pgm*16 bytes*");
        using var ok = small.Decode(W.GreyPng(5, 3, (x, y) => x), ColorMode.Grayscale, "b.png");
        ok.shape.Should().Equal(1, 3, 5);
        var zero = () => new StbImageDecoder { MaxDecodedBytes = 0 };
        zero.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MaxDecodedBytes*");
    }

    [Fact]
    public void A_16_bit_rgba_png_wanted_as_grey_has_no_float_rgba_intermediate()
    {
        const int Size = 512;
        var samples = new int[Size * Size * 4];
        for (int i = 0; i < Size * Size; i++)
        {
            samples[(4 * i) + 0] = (i * 7) & 0xFFFF;
            samples[(4 * i) + 1] = (i * 3) & 0xFFFF;
            samples[(4 * i) + 2] = i & 0xFFFF;
            samples[(4 * i) + 3] = 65535;
        }

        var png = W.Png(Size, Size, 16, W.Rgba, samples);
        using (Unchecked.Decode(png, ColorMode.Grayscale, "warm-up.png"))
        {
        }

        // What stb's decode itself costs (its own bookkeeping), measured alone...
        long start = GC.GetAllocatedBytesForCurrentThread();
        using (Unchecked.DecodePixels(png, "rgba16.png"))
        {
        }

        long decodeOnly = GC.GetAllocatedBytesForCurrentThread() - start;
        // ...and with the conversion to a grey tensor.
        start = GC.GetAllocatedBytesForCurrentThread();
        using var grey = Unchecked.Decode(png, ColorMode.Grayscale, "rgba16.png");
        long withConversion = GC.GetAllocatedBytesForCurrentThread() - start;

        grey.shape.Should().Equal(1, Size, Size);
        // The old path allocated 4 floats per pixel (16 B) for an interleaved copy plus a grey plane (4 B) in managed
        // memory; now samples go straight from stb's buffer into the native output tensor.
        (withConversion - decodeOnly).Should().BeLessThan(Size * Size * 4L, $"the conversion allocates no buffer of image size (decode alone: {decodeOnly} B, with conversion: {withConversion} B)");
    }

    private static float[]? DecodeRgb(StbImageDecoder decoder, byte[] bytes)
    {
        try
        {
            using var t = decoder.Decode(bytes, ColorMode.Rgb, "flip.jpg");
            return t.data<float>().ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Marker bytes and length bytes of the segments before the first scan's data.</summary>
    private static IEnumerable<int> StructureBytes(byte[] jpeg, int sos)
    {
        int pos = 2;
        while (pos <= sos)
        {
            yield return pos + 1; // marker code
            yield return pos + 2; // length, high byte
            yield return pos + 3; // length, low byte
            pos += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(pos + 2));
        }
    }

    private static int IndexOfMarker(byte[] jpeg, byte marker)
    {
        int pos = 2;
        while (jpeg[pos + 1] != marker)
        {
            pos += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(pos + 2));
        }

        return pos;
    }

    /// <summary>Inserts an APP1 EXIF segment with one IFD0 entry, Orientation (0x0112, SHORT), after SOI.</summary>
    private static byte[] WithExifOrientation(byte[] jpeg, int orientation, bool littleEndian)
    {
        var tiff = new byte[8 + 2 + 12 + 4];
        void U16(int at, int v)
        {
            if (littleEndian)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at), (ushort)v);
            }
            else
            {
                BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(at), (ushort)v);
            }
        }

        void U32(int at, uint v)
        {
            if (littleEndian)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(at), v);
            }
            else
            {
                BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(at), v);
            }
        }

        tiff[0] = tiff[1] = (byte)(littleEndian ? 'I' : 'M');
        U16(2, 42);
        U32(4, 8); // IFD0 right after the header
        U16(8, 1); // one entry
        U16(10, 0x0112);
        U16(12, 3); // SHORT
        U32(14, 1); // count
        U16(18, orientation);
        U32(22, 0); // no next IFD
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return jpeg.Take(2).Concat(segment).Concat(jpeg.Skip(2)).ToArray();
    }

    private static byte[] PngHeader(int width, int height, int bitDepth, int colorType)
    {
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = (byte)colorType;
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(header, 4);
        stream.Write(header);
        stream.Write(data);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.Compute(header.AsSpan(4), data));
        stream.Write(crc);
    }
}
