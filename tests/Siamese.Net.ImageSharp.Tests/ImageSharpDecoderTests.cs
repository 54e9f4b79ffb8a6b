using Siamese.Net.ImageSharp;
using Siamese.Net.Imaging;
using W = Siamese.Net.Tests.TestSupport.TestImageWriter;

namespace Siamese.Net.ImageSharp.Tests;

public class ImageSharpDecoderTests
{
    private readonly ImageSharpDecoder _decoder = new();

    private static float[] Values(TorchSharp.torch.Tensor t)
    {
        using (t)
        {
            return t.data<float>().ToArray();
        }
    }

    public static TheoryData<string, byte[]> SameBytes()
    {
        var rgb = Enumerable.Range(0, 8 * 8 * 3).Select(i => (byte)(i * 5)).ToArray();
        var grey = Enumerable.Range(0, 64).Select(i => i * 4).ToArray();
        return new TheoryData<string, byte[]>
        {
            { "png8", W.Png(8, 8, 8, W.Grey, grey) },
            { "png16", W.Png(4, 2, 16, W.Grey, [0, 256, 511, 65535, 1, 2, 30000, 40000]) },
            { "png1", W.Png(5, 2, 1, W.Grey, [1, 0, 1, 1, 0, 0, 0, 1, 1, 0]) },
            { "pngRgba", W.Png(2, 1, 8, W.Rgba, [255, 0, 0, 255, 0, 0, 0, 0]) },
            { "bmp", W.Stb(8, 8, rgb, "bmp") },
            { "pgm", W.PgmBinary(8, 8, 255, grey) },
        };
    }

    [Theory]
    [MemberData(nameof(SameBytes))]
    public void Agrees_with_the_default_decoder(string kind, byte[] bytes)
    {
        foreach (var mode in new[] { ColorMode.Grayscale, ColorMode.Rgb })
        {
            var expected = Values(StbImageDecoder.Default.Decode(bytes, mode, kind));
            var actual = Values(_decoder.Decode(bytes, mode, kind));
            actual.Should().Equal(expected, (a, b) => Math.Abs(a - b) < 2e-3f, $"{kind} {mode}");
        }
    }

    [Fact]
    public void Sixteen_bit_png_keeps_full_precision()
    {
        var values = Values(_decoder.Decode(W.Png(2, 1, 16, W.Grey, [0x0100, 0x01FF]), ColorMode.Grayscale, "p"));
        values[0].Should().BeApproximately(0x0100 / 65535f, 1e-6f);
        values[1].Should().BeApproximately(0x01FF / 65535f, 1e-6f);
    }

    [Fact]
    public void Bad_input_is_an_InvalidDataException_naming_the_source()
    {
        FluentActions.Invoking(() => _decoder.Decode([], ColorMode.Grayscale, "empty.png"))
            .Should().Throw<InvalidDataException>().WithMessage("*empty.png*empty*");
        FluentActions.Invoking(() => _decoder.Decode("plain text"u8.ToArray(), ColorMode.Grayscale, "notes.png"))
            .Should().Throw<InvalidDataException>().WithMessage("*notes.png*");
        FluentActions.Invoking(() => new ImageSharpDecoder(maxPixels: 10).Decode(W.Png(4, 4, 8, W.Grey, new int[16]), ColorMode.Grayscale, "big.png"))
            .Should().Throw<InvalidDataException>().WithMessage("*big.png*16 pixels*");
    }
}
