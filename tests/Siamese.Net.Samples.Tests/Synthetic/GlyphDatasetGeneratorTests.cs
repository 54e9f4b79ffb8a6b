using System.Text.RegularExpressions;
using Siamese.Net.Samples.Common.Synthetic;

namespace Siamese.Net.Samples.Tests.Synthetic;

public sealed partial class GlyphDatasetGeneratorTests
{
    [Fact]
    public void Writes_the_omniglot_layout_numbering_characters_across_alphabets()
    {
        using var temp = new TempFolder();
        var result = GlyphDatasetGenerator.Generate(temp.Path, new GlyphDatasetOptions { Alphabets = 2, CharactersPerAlphabet = 3, Drawers = 4, Seed = 1 });

        Directory.GetDirectories(temp.Path).Select(Path.GetFileName).Order().Should().Equal("Synthetic_Alphabet_01", "Synthetic_Alphabet_02");
        Directory.GetDirectories(Path.Combine(temp.Path, "Synthetic_Alphabet_02")).Select(Path.GetFileName).Order()
            .Should().Equal("character01", "character02", "character03");
        Directory.GetFiles(Path.Combine(temp.Path, "Synthetic_Alphabet_01", "character01")).Select(Path.GetFileName).Order()
            .Should().Equal("0001_01.png", "0001_02.png", "0001_03.png", "0001_04.png");
        Directory.GetFiles(Path.Combine(temp.Path, "Synthetic_Alphabet_02", "character01")).Select(Path.GetFileName).Order()
            .Should().Equal("0004_01.png", "0004_02.png", "0004_03.png", "0004_04.png");
        Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories).Select(Path.GetFileName)
            .Should().HaveCount(24).And.OnlyContain(n => FileName().IsMatch(n!));
        result.Should().Be(new GeneratedDataset(temp.Path, 6, 24));
    }

    [Fact]
    public void Images_are_105x105_black_strokes_on_white()
    {
        using var temp = new TempFolder();
        GlyphDatasetGenerator.Generate(temp.Path, new GlyphDatasetOptions { Alphabets = 2, CharactersPerAlphabet = 5, Drawers = 3, Seed = 9 });

        foreach (string file in Directory.EnumerateFiles(temp.Path, "*.png", SearchOption.AllDirectories))
        {
            Png.Header(file).Should().Be((105, 105, 8, 0));
            byte[] pixels = Png.GrayPixels(file, out _, out _);
            pixels.Should().OnlyContain(p => p == 0 || p == 255, "Omniglot images are two-level");
            double ink = pixels.Count(p => p == 0) / (double)pixels.Length;
            ink.Should().BeInRange(0.005, 0.3, $"{file} must hold a character");
        }
    }

    [Fact]
    public void Same_seed_gives_identical_files_and_drawers_differ()
    {
        using var temp = new TempFolder();
        var options = new GlyphDatasetOptions { Alphabets = 1, CharactersPerAlphabet = 2, Drawers = 3, Seed = 5 };
        GlyphDatasetGenerator.Generate(temp.Sub("a"), options);
        GlyphDatasetGenerator.Generate(temp.Sub("b"), options);

        var a = Png.HashTree(temp.Sub("a"));
        a.Should().Equal(Png.HashTree(temp.Sub("b")));
        a.Values.Should().OnlyHaveUniqueItems("every drawer draws the character differently");
    }

    [Fact]
    public void Drawings_of_one_character_are_closer_than_drawings_of_others_in_its_alphabet()
    {
        using var temp = new TempFolder();
        GlyphDatasetGenerator.Generate(temp.Path, new GlyphDatasetOptions { Alphabets = 1, CharactersPerAlphabet = 10, Drawers = 5, Seed = 2 });
        var byCharacter = Directory.GetDirectories(Path.Combine(temp.Path, "Synthetic_Alphabet_01")).Order()
            .Select(d => Directory.GetFiles(d).Order().Select(f => Features.Pooled(Png.GrayPixels(f, out _, out _), 105, 105, 7, 7)).ToList())
            .ToList();

        double within = byCharacter.SelectMany(c => from x in c from y in c where !ReferenceEquals(x, y) select Features.Distance(x, y)).Average();
        double between = byCharacter.SelectMany((c, i) => byCharacter.Skip(i + 1).SelectMany(o => from x in c from y in o select Features.Distance(x, y))).Average();
        within.Should().BeLessThan(between * 0.85);
    }

    [Fact]
    public void Invalid_options_are_rejected_naming_the_option()
    {
        var act = () => GlyphDatasetGenerator.Generate("unused", new GlyphDatasetOptions { Drawers = 1 });
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Drawers");
        act = () => GlyphDatasetGenerator.Generate("unused", new GlyphDatasetOptions { CharactersPerAlphabet = 100 });
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("CharactersPerAlphabet");
    }

    [GeneratedRegex("^[0-9]{4}_[0-9]{2}\\.png$")]
    private static partial Regex FileName();
}
