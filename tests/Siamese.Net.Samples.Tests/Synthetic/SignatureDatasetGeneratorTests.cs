using System.Text.RegularExpressions;
using Siamese.Net.Samples.Common.Synthetic;

namespace Siamese.Net.Samples.Tests.Synthetic;

public sealed partial class SignatureDatasetGeneratorTests
{
    private static readonly SignatureDatasetOptions Small = new() { TrainWriters = 4, TestWriters = 2, GenuinePerWriter = 4, ForgersPerWriter = 2, ForgeriesPerForger = 2, SamePairsPerAnchor = null, ForgedPairsPerAnchor = null, Seed = 7 };

    [Fact]
    public void Writes_the_sign_data_folder_layout_with_both_naming_schemes_and_extension_cases()
    {
        using var temp = new TempFolder();
        var result = SignatureDatasetGenerator.Generate(temp.Path, Small);

        Directory.GetDirectories(Path.Combine(temp.Path, "train")).Select(Path.GetFileName).Order()
            .Should().Equal("001", "001_forg", "002", "002_forg", "003", "003_forg", "004", "004_forg");
        Directory.GetDirectories(Path.Combine(temp.Path, "test")).Select(Path.GetFileName).Order()
            .Should().Equal("005", "005_forg", "006", "006_forg");
        Directory.GetFiles(Path.Combine(temp.Path, "train", "001")).Select(Path.GetFileName).Order()
            .Should().Equal("001_01.PNG", "001_02.PNG", "001_03.PNG", "001_04.PNG");
        Directory.GetFiles(Path.Combine(temp.Path, "train", "002")).Select(Path.GetFileName).Order()
            .Should().Equal("01_002.png", "02_002.png", "03_002.png", "04_002.png");
        Directory.GetFiles(Path.Combine(temp.Path, "train", "001_forg")).Select(Path.GetFileName)
            .Should().HaveCount(4).And.OnlyContain(n => ForgeryA().IsMatch(n));
        Directory.GetFiles(Path.Combine(temp.Path, "train", "002_forg")).Select(Path.GetFileName)
            .Should().HaveCount(4).And.OnlyContain(n => ForgeryB().IsMatch(n));

        result.ClassCount.Should().Be(6);
        result.ImageCount.Should().Be(6 * (4 + 4));
    }

    [Fact]
    public void Train_csv_has_the_header_and_target_1_means_the_second_image_is_a_forgery_of_the_same_writer()
    {
        using var temp = new TempFolder();
        var result = SignatureDatasetGenerator.Generate(temp.Path, Small);

        string[] lines = File.ReadAllLines(Path.Combine(temp.Path, "train_data.csv"));
        lines[0].Should().Be("img1,img2,target");
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        rows.Should().OnlyContain(r => r.Length == 3);
        foreach (var row in rows)
        {
            string writer = row[0].Split('/')[0];
            writer.Should().MatchRegex("^[0-9]{3}$", "the first image is always a genuine signature");
            File.Exists(Path.Combine(temp.Path, "train", row[0])).Should().BeTrue();
            File.Exists(Path.Combine(temp.Path, "train", row[1])).Should().BeTrue();
            if (row[2] == "1")
            {
                row[1].Should().StartWith(writer + "_forg/");
            }
            else
            {
                row[2].Should().Be("0");
                row[1].Should().StartWith(writer + "/").And.NotBe(row[0]);
            }
        }

        // Every genuine anchor with every other genuine (4*3) and every forgery (4*4), per writer.
        rows.Count(r => r[2] == "0").Should().Be(4 * 4 * 3);
        rows.Count(r => r[2] == "1").Should().Be(4 * 4 * 4);
        result.PairCount.Should().Be(rows.Count + File.ReadAllLines(Path.Combine(temp.Path, "test_data.csv")).Length);
    }

    [Fact]
    public void Test_csv_has_no_header_like_the_full_kaggle_download()
    {
        using var temp = new TempFolder();
        SignatureDatasetGenerator.Generate(temp.Path, Small);

        string[] lines = File.ReadAllLines(Path.Combine(temp.Path, "test_data.csv"));
        lines[0].Should().MatchRegex("^00[56]/[^,]+,00[56](_forg)?/[^,]+,[01]$");
        lines.Should().OnlyContain(l => File.Exists(Path.Combine(temp.Path, "test", l.Split(',')[1])));
    }

    [Fact]
    public void Pair_counts_per_anchor_can_be_limited()
    {
        using var temp = new TempFolder();
        SignatureDatasetGenerator.Generate(temp.Path, Small with { TestWriters = 0, SamePairsPerAnchor = 2, ForgedPairsPerAnchor = 1 });

        var rows = File.ReadAllLines(Path.Combine(temp.Path, "train_data.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        rows.Count(r => r[2] == "0").Should().Be(4 * 4 * 2);
        rows.Count(r => r[2] == "1").Should().Be(4 * 4 * 1);
        rows.Select(r => r[0] + "," + r[1]).Should().OnlyHaveUniqueItems();
        File.Exists(Path.Combine(temp.Path, "test_data.csv")).Should().BeFalse();
    }

    [Fact]
    public void Images_are_8_bit_greyscale_near_the_nominal_size_with_dark_ink_on_light_paper()
    {
        using var temp = new TempFolder();
        SignatureDatasetGenerator.Generate(temp.Path, Small with { TestWriters = 0 });

        foreach (string file in Directory.EnumerateFiles(Path.Combine(temp.Path, "train"), "*", SearchOption.AllDirectories))
        {
            var header = Png.Header(file);
            header.BitDepth.Should().Be(8);
            header.ColorType.Should().Be(0, "greyscale like the converted real set");
            header.Width.Should().BeInRange(SignatureDatasetGenerator.NominalWidth - 12, SignatureDatasetGenerator.NominalWidth + 12);
            header.Height.Should().BeInRange(SignatureDatasetGenerator.NominalHeight - 8, SignatureDatasetGenerator.NominalHeight + 8);
            byte[] pixels = Png.GrayPixels(file, out _, out _);
            double inkFraction = pixels.Count(p => p < 128) / (double)pixels.Length;
            inkFraction.Should().BeInRange(0.005, 0.25, $"{file} must show a signature, not a blank or a blot");
            pixels.Average(p => (double)p).Should().BeGreaterThan(180, "paper is light");
        }
    }

    [Fact]
    public void Same_seed_gives_identical_files_and_another_seed_other_files()
    {
        using var temp = new TempFolder();
        var options = Small with { TrainWriters = 2, TestWriters = 1 };
        SignatureDatasetGenerator.Generate(temp.Sub("a"), options);
        SignatureDatasetGenerator.Generate(temp.Sub("b"), options);
        SignatureDatasetGenerator.Generate(temp.Sub("c"), options with { Seed = 8 });

        var a = Png.HashTree(temp.Sub("a"));
        a.Should().Equal(Png.HashTree(temp.Sub("b")));
        var c = Png.HashTree(temp.Sub("c"));
        c.Keys.Where(k => k.EndsWith(".csv", StringComparison.Ordinal) is false && k.Contains("_forg", StringComparison.Ordinal) is false)
            .Should().OnlyContain(k => !a.ContainsKey(k) || a[k] != c[k], "another seed draws other signatures");
    }

    [Fact]
    public void Signatures_carry_the_writer_and_forgeries_imitate_the_writer()
    {
        using var temp = new TempFolder();
        SignatureDatasetGenerator.Generate(temp.Path, new SignatureDatasetOptions { TrainWriters = 8, GenuinePerWriter = 6, ForgersPerWriter = 2, ForgeriesPerForger = 3, Seed = 3 });

        var genuine = new Dictionary<int, List<double[]>>();
        var forged = new Dictionary<int, List<double[]>>();
        for (int w = 1; w <= 8; w++)
        {
            genuine[w] = Load(Path.Combine(temp.Path, "train", w.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)));
            forged[w] = Load(Path.Combine(temp.Path, "train", w.ToString("D3", System.Globalization.CultureInfo.InvariantCulture) + "_forg"));
        }

        double sameWriter = Mean(genuine.SelectMany(kv => Pairs(kv.Value, kv.Value)));
        double genuineVsForged = Mean(genuine.SelectMany(kv => Pairs(kv.Value, forged[kv.Key])));
        double forgedVsOwnWriter = genuineVsForged;
        double forgedVsOtherWriters = Mean(forged.SelectMany(kv => genuine.Where(g => g.Key != kv.Key).SelectMany(g => Pairs(kv.Value, g.Value))));
        double otherWriters = Mean(genuine.SelectMany(kv => genuine.Where(g => g.Key > kv.Key).SelectMany(g => Pairs(kv.Value, g.Value))));

        sameWriter.Should().BeLessThan(genuineVsForged, "a skilled forgery is still further from the genuine signatures than they are from each other");
        forgedVsOwnWriter.Should().BeLessThan(forgedVsOtherWriters, "a forgery imitates its writer");
        genuineVsForged.Should().BeLessThan(otherWriters, "forgeries are hard: closer than another writer's signature");
    }

    private static List<double[]> Load(string folder) =>
        [.. Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(f =>
        {
            byte[] pixels = Png.GrayPixels(f, out int width, out int height);
            return Features.Pooled(pixels, width, height, 24, 12);
        })];

    private static IEnumerable<double> Pairs(List<double[]> a, List<double[]> b) =>
        from x in a from y in b where !ReferenceEquals(x, y) select Features.Distance(x, y);

    private static double Mean(IEnumerable<double> values) => values.Average();

    [Fact]
    public void Invalid_options_are_rejected_naming_the_option()
    {
        var act = () => SignatureDatasetGenerator.Generate("unused", new SignatureDatasetOptions { GenuinePerWriter = 1 });
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("GenuinePerWriter");
        act = () => SignatureDatasetGenerator.Generate("unused", new SignatureDatasetOptions { TrainWriters = 0 });
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("TrainWriters");
        act = () => SignatureDatasetGenerator.Generate("unused", new SignatureDatasetOptions { ForgedPairsPerAnchor = 0 });
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("ForgedPairsPerAnchor");
    }

    [GeneratedRegex("^0[1-3][0-9]{2}001_0[12]\\.png$")]
    private static partial Regex ForgeryA();

    [GeneratedRegex("^0[12]_0[1-3][0-9]{2}002\\.PNG$")]
    private static partial Regex ForgeryB();
}
