using System.Security.Cryptography;
using Siamese.Net.Samples.Common.Synthetic;

namespace Siamese.Net.Samples.Tests.Synthetic;

public sealed class OneShotRunBuilderTests
{
    [Fact]
    public void Builds_lakes_run_layout_with_queries_by_another_drawer_of_the_labelled_class()
    {
        using var temp = new TempFolder();
        string source = temp.Sub("background");
        GlyphDatasetGenerator.Generate(source, new GlyphDatasetOptions { Alphabets = 3, CharactersPerAlphabet = 6, Drawers = 4, Seed = 3 });
        var origin = Directory.EnumerateFiles(source, "*.png", SearchOption.AllDirectories)
            .ToDictionary(f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))), f => f);

        var runs = OneShotRunBuilder.Build(source, temp.Sub("runs"), new OneShotRunOptions { Runs = 4, Ways = 5, Seed = 1 });

        runs.Select(Path.GetFileName).Should().Equal("run01", "run02", "run03", "run04");
        foreach (string run in runs)
        {
            string name = Path.GetFileName(run);
            Directory.GetFiles(Path.Combine(run, "training")).Select(Path.GetFileName).Order()
                .Should().Equal("class01.png", "class02.png", "class03.png", "class04.png", "class05.png");
            Directory.GetFiles(Path.Combine(run, "test")).Select(Path.GetFileName).Order()
                .Should().Equal("item01.png", "item02.png", "item03.png", "item04.png", "item05.png");
            string[] lines = File.ReadAllLines(Path.Combine(run, OneShotRunBuilder.LabelsFileName));
            lines.Should().HaveCount(5);
            var alphabets = new HashSet<string>();
            for (int k = 0; k < lines.Length; k++)
            {
                string[] parts = lines[k].Split(' ');
                parts.Should().HaveCount(2);
                parts[0].Should().Be($"{name}/test/item{k + 1:D2}.png");
                parts[1].Should().MatchRegex($"^{name}/training/class0[1-5]\\.png$");
                string query = origin[Hash(Path.Combine(temp.Sub("runs"), parts[0]))];
                string support = origin[Hash(Path.Combine(temp.Sub("runs"), parts[1]))];
                Path.GetDirectoryName(query).Should().Be(Path.GetDirectoryName(support), "query and support show the same character");
                query.Should().NotBe(support, "they are drawn by different people");
                alphabets.Add(Path.GetDirectoryName(Path.GetDirectoryName(query))!);
            }

            alphabets.Should().HaveCount(1, "Lake's runs are within one alphabet");
            lines.Select(l => l.Split(' ')[1]).Should().OnlyHaveUniqueItems("each class has exactly one query");
        }
    }

    [Fact]
    public void Runs_are_deterministic_for_a_seed()
    {
        using var temp = new TempFolder();
        string source = temp.Sub("background");
        GlyphDatasetGenerator.Generate(source, new GlyphDatasetOptions { Alphabets = 2, CharactersPerAlphabet = 5, Drawers = 3, Seed = 3 });

        OneShotRunBuilder.Build(source, temp.Sub("a"), new OneShotRunOptions { Runs = 2, Ways = 4, Seed = 9 });
        OneShotRunBuilder.Build(source, temp.Sub("b"), new OneShotRunOptions { Runs = 2, Ways = 4, Seed = 9 });

        Png.HashTree(temp.Sub("a")).Should().Equal(Png.HashTree(temp.Sub("b")));
    }

    [Fact]
    public void A_flat_folder_per_class_tree_works()
    {
        using var temp = new TempFolder();
        string source = temp.Sub("classes");
        GlyphDatasetGenerator.Generate(temp.Sub("glyphs"), new GlyphDatasetOptions { Alphabets = 3, CharactersPerAlphabet = 2, Drawers = 2, Seed = 3 });
        int i = 0;
        foreach (string character in Directory.GetDirectories(temp.Sub("glyphs"), "character*", SearchOption.AllDirectories).Order())
        {
            Directory.Move(character, Path.Combine(temp.Sub("glyphs"), "class" + i++));
        }

        var runs = OneShotRunBuilder.Build(temp.Sub("glyphs"), temp.Sub("runs"), new OneShotRunOptions { Runs = 1, Ways = 5 });
        File.ReadAllLines(Path.Combine(runs[0], OneShotRunBuilder.LabelsFileName)).Should().HaveCount(5);
    }

    [Fact]
    public void Classes_come_from_several_alphabets_when_no_alphabet_is_large_enough()
    {
        using var temp = new TempFolder();
        GlyphDatasetGenerator.Generate(temp.Sub("glyphs"), new GlyphDatasetOptions { Alphabets = 3, CharactersPerAlphabet = 2, Drawers = 2, Seed = 3 });

        var runs = OneShotRunBuilder.Build(temp.Sub("glyphs"), temp.Sub("runs"), new OneShotRunOptions { Runs = 1, Ways = 5 });

        File.ReadAllLines(Path.Combine(runs[0], OneShotRunBuilder.LabelsFileName)).Should().HaveCount(5);
    }

    [Fact]
    public void Too_few_classes_is_an_error_that_says_how_many()
    {
        using var temp = new TempFolder();
        GlyphDatasetGenerator.Generate(temp.Sub("glyphs"), new GlyphDatasetOptions { Alphabets = 1, CharactersPerAlphabet = 3, Drawers = 2 });

        var act = () => OneShotRunBuilder.Build(temp.Sub("glyphs"), temp.Sub("runs"), new OneShotRunOptions { Ways = 20 });
        act.Should().Throw<ArgumentException>().WithMessage("*3 classes*20-way*");
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
