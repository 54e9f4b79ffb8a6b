using Siamese.Net.Imaging;
using Siamese.Net.Tests.TestSupport;
using static TorchSharp.torch;
using W = Siamese.Net.Tests.TestSupport.TestImageWriter;

namespace Siamese.Net.Tests.Imaging;

public class StbImageDecoderTests
{
    private readonly StbImageDecoder _decoder = new();

    private float[] DecodeToArray(byte[] bytes, ColorMode mode, out long[] shape)
    {
        using var t = _decoder.Decode(bytes, mode, "test");
        shape = t.shape;
        t.dtype.Should().Be(ScalarType.Float32);
        return t.data<float>().ToArray();
    }

    [Fact]
    public void Png_8bit_grey_decodes_exactly_to_value_over_255_in_CHW()
    {
        var bytes = W.GreyPng(3, 2, (x, y) => (y * 3) + x + 250 - 5 * ((y * 3) + x) * 10);
        var expected = Enumerable.Range(0, 6).Select(i => (i + 250 - (50 * i)) / 255f).ToArray();
        var values = DecodeToArray(bytes, ColorMode.Grayscale, out var shape);
        shape.Should().Equal(1, 2, 3);
        values.Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-7);
    }

    [Fact]
    public void Png_16bit_keeps_the_low_byte_instead_of_truncating_to_8_bits()
    {
        // 0x0100 and 0x01FF share their high byte: an 8-bit reduction would make them equal.
        int[] samples = [0x0000, 0x0100, 0x01FF, 0xFFFF];
        var bytes = W.Png(2, 2, 16, W.Grey, samples);
        var values = DecodeToArray(bytes, ColorMode.Grayscale, out var shape);
        shape.Should().Equal(1, 2, 2);
        values.Should().Equal(samples.Select(s => s / 65535f).ToArray(), (a, b) => Math.Abs(a - b) < 1e-7);
        values[1].Should().NotBe(values[2]);
    }

    [Fact]
    public void Png_16bit_rgb_decodes_to_three_planes()
    {
        int[] samples = [65535, 0, 0, 0, 32768, 0]; // one red pixel, one half-green pixel
        var values = DecodeToArray(W.Png(2, 1, 16, W.Rgb, samples), ColorMode.Rgb, out var shape);
        shape.Should().Equal(3, 1, 2);
        values.Should().Equal(new[] { 1f, 0f, 0f, 32768 / 65535f, 0f, 0f }, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Png_1bit_decodes_to_zero_and_one()
    {
        int[] bits = [1, 0, 1, 1, 0, 0, 0, 1, 1, 0]; // width 5 is not a multiple of 8: exercises row padding
        var values = DecodeToArray(W.Png(5, 2, 1, W.Grey, bits), ColorMode.Grayscale, out var shape);
        shape.Should().Equal(1, 2, 5);
        values.Should().Equal(bits.Select(b => (float)b).ToArray());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Png_2_and_4_bit_grey_scale_by_their_maximum(int bits)
    {
        int max = (1 << bits) - 1;
        int[] samples = Enumerable.Range(0, 7).Select(i => i * max / 6).ToArray();
        var values = DecodeToArray(W.Png(7, 1, bits, W.Grey, samples), ColorMode.Grayscale, out var shape);
        shape.Should().Equal(1, 1, 7);
        values.Should().Equal(samples.Select(v => (float)v / max).ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Rgb_png_to_grey_uses_luma_weights_and_grey_to_rgb_replicates()
    {
        byte[] rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255];
        var grey = DecodeToArray(W.Stb(3, 1, rgb, "png8"), ColorMode.Grayscale, out var shape);
        shape.Should().Equal(1, 1, 3);
        grey.Should().Equal(new[] { 0.299f, 0.587f, 0.114f }, (a, b) => Math.Abs(a - b) < 1e-6);

        var rgbFromGrey = DecodeToArray(W.GreyPng(2, 1, (x, _) => x * 255), ColorMode.Rgb, out shape);
        shape.Should().Equal(3, 1, 2);
        rgbFromGrey.Should().Equal(0f, 1f, 0f, 1f, 0f, 1f);
    }

    [Fact]
    public void Transparent_pixels_are_composited_over_white()
    {
        // Black ink, fully opaque; black, fully transparent; black at half alpha.
        int[] samples = [0, 255, 0, 0, 0, 128];
        var values = DecodeToArray(W.Png(3, 1, 8, W.GreyAlpha, samples), ColorMode.Grayscale, out _);
        values.Should().Equal(new[] { 0f, 1f, 1f - (128 / 255f) }, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Bmp_24bit_decodes_exactly()
    {
        byte[] rgb = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120];
        var values = DecodeToArray(W.Stb(2, 2, rgb, "bmp"), ColorMode.Rgb, out var shape);
        shape.Should().Equal(3, 2, 2);
        values.Should().Equal(new[] { 10, 40, 70, 100, 20, 50, 80, 110, 30, 60, 90, 120 }.Select(v => v / 255f).ToArray(), (a, b) => Math.Abs(a - b) < 1e-7);
    }

    [Fact]
    public void Jpeg_decodes_close_to_the_source_even_when_named_png()
    {
        var rgb = new byte[16 * 16 * 3];
        for (int i = 0; i < 16 * 16; i++)
        {
            rgb[3 * i] = rgb[(3 * i) + 1] = rgb[(3 * i) + 2] = (byte)(i % 16 * 16);
        }

        using var dir = new TempDirectory();
        var path = dir.Combine("really-a-jpeg.png");
        File.WriteAllBytes(path, W.Stb(16, 16, rgb, "jpg"));
        using var t = new ImagePreprocessing { Width = 16, Height = 16 }.Load(path);
        var values = t.data<float>().ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            values[i].Should().BeApproximately(i % 16 * 16 / 255f, 0.06f, $"pixel {i}");
        }
    }

    [Fact]
    public void Pgm_P5_8bit_as_in_the_att_faces()
    {
        int[] samples = [0, 1, 128, 254, 255, 7];
        var values = DecodeToArray(W.PgmBinary(3, 2, 255, samples, comment: "made by a test"), ColorMode.Grayscale, out var shape);
        shape.Should().Equal(1, 2, 3);
        values.Should().Equal(samples.Select(s => s / 255f).ToArray(), (a, b) => Math.Abs(a - b) < 1e-7);
    }

    [Fact]
    public void Pgm_P5_16bit_is_big_endian_and_scaled_by_maxval()
    {
        int[] samples = [0, 256, 511, 1000];
        var values = DecodeToArray(W.PgmBinary(2, 2, 1000, samples), ColorMode.Grayscale, out _);
        values.Should().Equal(samples.Select(s => s / 1000f).ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Pgm_P2_ascii_with_comments_and_small_maxval()
    {
        int[] samples = Enumerable.Range(0, 12).Select(i => i % 16).ToArray();
        var values = DecodeToArray(W.PgmAscii(4, 3, 15, samples), ColorMode.Rgb, out var shape);
        shape.Should().Equal(3, 3, 4);
        values.Take(12).Should().Equal(samples.Select(s => s / 15f).ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Empty_file_is_rejected_by_name()
    {
        var act = () => _decoder.Decode([], ColorMode.Grayscale, "empty.png");
        act.Should().Throw<InvalidDataException>().WithMessage("*empty.png*empty*");
    }

    [Fact]
    public void Text_file_is_rejected_as_not_an_image()
    {
        var act = () => _decoder.Decode("hello, I am a text file"u8.ToArray(), ColorMode.Grayscale, "notes.png");
        act.Should().Throw<InvalidDataException>().WithMessage("*notes.png*not a PNG, JPEG, BMP or PGM*");
    }

    [Theory]
    [InlineData("png")]
    [InlineData("jpg")]
    [InlineData("bmp")]
    [InlineData("pgm5")]
    [InlineData("pgm2")]
    public void Truncated_files_are_rejected_not_half_decoded(string kind)
    {
        var rgb = Enumerable.Range(0, 32 * 32 * 3).Select(i => (byte)(i * 7)).ToArray();
        var grey = Enumerable.Range(0, 32 * 32).Select(i => i % 256).ToArray();
        byte[] full = kind switch
        {
            "png" => W.Png(32, 32, 8, W.Grey, grey),
            "jpg" => W.Stb(32, 32, rgb, "jpg"),
            "bmp" => W.Stb(32, 32, rgb, "bmp"),
            "pgm5" => W.PgmBinary(32, 32, 255, grey),
            _ => W.PgmAscii(32, 32, 255, grey),
        };

        var cut = full.AsSpan(0, full.Length * 2 / 3).ToArray();
        var act = () => _decoder.Decode(cut, ColorMode.Grayscale, "cut." + kind);
        act.Should().Throw<InvalidDataException>().WithMessage("*cut." + kind + "*");
    }

    [Fact]
    public void Pixel_cap_rejects_a_decompression_bomb_before_allocating()
    {
        var bomb = W.PngHeaderOnly(100_000, 100_000);
        var act = () => _decoder.Decode(bomb, ColorMode.Grayscale, "bomb.png");
        act.Should().Throw<InvalidDataException>().WithMessage("*bomb.png*10000000000 pixels*");

        var small = new StbImageDecoder(maxPixels: 15);
        var pgm = () => small.Decode(W.PgmBinary(4, 4, 255, new int[16]), ColorMode.Grayscale, "a.pgm");
        pgm.Should().Throw<InvalidDataException>().WithMessage("*a.pgm*16 pixels*15*");
        using var ok = small.Decode(W.PgmBinary(5, 3, 255, new int[15]), ColorMode.Grayscale, "b.pgm");
        ok.shape.Should().Equal(1, 3, 5);
    }

    [Fact]
    public void Pgm_sample_above_maxval_names_row_and_column()
    {
        var act = () => _decoder.Decode(W.PgmAscii(3, 2, 10, [0, 1, 2, 3, 11, 5]), ColorMode.Grayscale, "bad.pgm");
        act.Should().Throw<InvalidDataException>().WithMessage("*bad.pgm*row 1, column 1*11*maxval 10*");
    }

    [Fact]
    public void Corrupt_png_data_is_an_InvalidDataException()
    {
        var png = W.Png(8, 8, 8, W.Grey, new int[64]);
        // Overwrite the compressed stream, keep signature, IHDR and IEND.
        for (int i = 41; i < png.Length - 16; i++)
        {
            png[i] = 0xAB;
        }

        var act = () => _decoder.Decode(png, ColorMode.Grayscale, "corrupt.png");
        act.Should().Throw<InvalidDataException>().WithMessage("*corrupt.png*");
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        var act = () => new StbImageDecoder(0);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("maxPixels");
        var mode = () => _decoder.Decode(W.PgmBinary(1, 1, 255, [1]), (ColorMode)7, "x");
        mode.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("colorMode");
    }

    [Fact]
    public void Decoding_in_parallel_gives_identical_results()
    {
        var rgb = Enumerable.Range(0, 16 * 16 * 3).Select(i => (byte)(i * 13)).ToArray();
        byte[][] files =
        [
            W.Png(16, 16, 16, W.Grey, Enumerable.Range(0, 256).Select(i => i * 257).ToArray()),
            W.Stb(16, 16, rgb, "png8"),
            W.Stb(16, 16, rgb, "jpg"),
            W.Stb(16, 16, rgb, "bmp"),
            W.PgmAscii(16, 16, 255, Enumerable.Range(0, 256).ToArray()),
        ];
        var expected = files.Select(f => DecodeToArray(f, ColorMode.Rgb, out _)).ToArray();
        Parallel.For(0, 100, i =>
        {
            using var t = _decoder.Decode(files[i % files.Length], ColorMode.Rgb, "p");
            t.data<float>().ToArray().Should().Equal(expected[i % files.Length]);
        });
    }
}
