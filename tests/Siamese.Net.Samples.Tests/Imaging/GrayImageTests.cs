using Siamese.Net.Samples.Common.Imaging;
using Siamese.Net.Samples.Common.Synthetic;

namespace Siamese.Net.Samples.Tests.Imaging;

public sealed class GrayImageTests
{
    [Fact]
    public void From_array_keeps_rows_and_columns()
    {
        var image = GrayImage.FromArray(new float[,] { { 0f, 0.25f, 0.5f }, { 0.75f, 1f, 0.1f } });

        image.Width.Should().Be(3);
        image.Height.Should().Be(2);
        image[0, 2].Should().Be(0.5f);
        image[1, 0].Should().Be(0.75f);
        image.ToBytes().Should().Equal(0, 64, 128, 191, 255, 26);
    }

    [Fact]
    public void Loads_binary_and_ascii_pgm_with_comments()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.Sub("a.pgm"), [.. "P5\n# made by hand\n2 2\n255\n"u8, 0, 255, 51, 102]);
        File.WriteAllText(temp.Sub("b.pgm"), "P2\n2 1\n15\n0 15\n");

        var binary = GrayImage.Load(temp.Sub("a.pgm"));
        binary.Pixels.ToArray().Should().Equal(0f, 1f, 0.2f, 0.4f);
        var ascii = GrayImage.Load(temp.Sub("b.pgm"));
        ascii.Pixels.ToArray().Should().Equal(0f, 1f);
    }

    [Fact]
    public void Loads_the_generated_png_and_pgm_files()
    {
        using var temp = new TempFolder();
        FaceDatasetGenerator.Generate(temp.Sub("faces"), new FaceDatasetOptions { Subjects = 2, ImagesPerSubject = 2 });
        GlyphDatasetGenerator.Generate(temp.Sub("glyphs"), new GlyphDatasetOptions { Alphabets = 1, CharactersPerAlphabet = 1, Drawers = 2 });

        var face = GrayImage.Load(Path.Combine(temp.Sub("faces"), "s1", "1.pgm"));
        (face.Width, face.Height).Should().Be((92, 112));
        var glyph = GrayImage.Load(Directory.GetFiles(temp.Sub("glyphs"), "*.png", SearchOption.AllDirectories)[0]);
        (glyph.Width, glyph.Height).Should().Be((105, 105));
        glyph.Pixels.ToArray().Should().OnlyContain(p => p == 0f || p == 1f);
    }

    [Fact]
    public void Truncated_pgm_is_an_error()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.Sub("bad.pgm"), [.. "P5\n4 4\n255\n"u8, 1, 2]);

        var act = () => GrayImage.Load(temp.Sub("bad.pgm"));
        act.Should().Throw<InvalidDataException>().WithMessage("*truncated*");
    }
}
