using System.Text;
using Siamese.Net.Samples.Common.Imaging;
using Siamese.Net.Samples.Common.Synthetic;

namespace Siamese.Net.Samples.Tests.Synthetic;

public sealed class FaceDatasetGeneratorTests
{
    [Fact]
    public void Writes_sN_K_pgm_files_with_the_att_header_and_92x112_bytes()
    {
        using var temp = new TempFolder();
        var result = FaceDatasetGenerator.Generate(temp.Path, new FaceDatasetOptions { Subjects = 3, ImagesPerSubject = 10, Seed = 2 });

        Directory.GetDirectories(temp.Path).Select(Path.GetFileName).Order().Should().Equal("s1", "s2", "s3");
        Directory.GetFiles(Path.Combine(temp.Path, "s2")).Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .Should().Equal("1.pgm", "10.pgm", "2.pgm", "3.pgm", "4.pgm", "5.pgm", "6.pgm", "7.pgm", "8.pgm", "9.pgm");
        byte[] header = Encoding.ASCII.GetBytes("P5\n92 112\n255\n");
        foreach (string file in Directory.EnumerateFiles(temp.Path, "*.pgm", SearchOption.AllDirectories))
        {
            byte[] bytes = File.ReadAllBytes(file);
            bytes.Take(header.Length).Should().Equal(header);
            bytes.Length.Should().Be(header.Length + (92 * 112));
        }

        result.Should().Be(new GeneratedDataset(temp.Path, 3, 30));
    }

    [Fact]
    public void Faces_are_dark_background_portraits_with_contrast()
    {
        using var temp = new TempFolder();
        FaceDatasetGenerator.Generate(temp.Path, new FaceDatasetOptions { Subjects = 2, ImagesPerSubject = 3 });

        var image = GrayImage.Load(Path.Combine(temp.Path, "s1", "1.pgm"));
        image.Width.Should().Be(92);
        image.Height.Should().Be(112);
        float corner = (image[0, 0] + image[0, 91]) / 2;
        float centre = image[56, 46];
        corner.Should().BeLessThan(0.3f, "the AT&T photographs have a dark plain background");
        centre.Should().BeGreaterThan(corner + 0.15f, "the face is lit against it");
        double mean = image.Pixels.ToArray().Average();
        Math.Sqrt(image.Pixels.ToArray().Average(p => (p - mean) * (p - mean))).Should().BeGreaterThan(0.1);
    }

    [Fact]
    public void Same_seed_gives_identical_files_and_another_seed_other_files()
    {
        using var temp = new TempFolder();
        var options = new FaceDatasetOptions { Subjects = 2, ImagesPerSubject = 2, Seed = 5 };
        FaceDatasetGenerator.Generate(temp.Sub("a"), options);
        FaceDatasetGenerator.Generate(temp.Sub("b"), options);
        FaceDatasetGenerator.Generate(temp.Sub("c"), options with { Seed = 6 });

        var a = Png.HashTree(temp.Sub("a"));
        a.Should().Equal(Png.HashTree(temp.Sub("b")));
        var c = Png.HashTree(temp.Sub("c"));
        a.Keys.Should().OnlyContain(k => a[k] != c[k]);
    }

    [Fact]
    public void Nearest_neighbour_on_raw_pixels_finds_the_subject_far_above_chance_but_not_perfectly()
    {
        // The identity must be in the pictures (else nothing can be learned) but pose and light must hide it from a
        // pixel matcher often enough that a learned embedding has something to add.
        using var temp = new TempFolder();
        FaceDatasetGenerator.Generate(temp.Path, new FaceDatasetOptions { Subjects = 10, ImagesPerSubject = 6, Seed = 4 });
        var items = new List<(int Subject, double[] Features)>();
        for (int s = 1; s <= 10; s++)
        {
            for (int k = 1; k <= 6; k++)
            {
                var image = GrayImage.Load(Path.Combine(temp.Path, "s" + s, k + ".pgm"));
                items.Add((s, Features.Pooled(image.ToBytes(), 92, 112, 12, 14, darkIsInk: false)));
            }
        }

        int correct = items.Count(query => items.Where(other => !ReferenceEquals(other.Features, query.Features))
            .MinBy(other => Features.Distance(other.Features, query.Features)).Subject == query.Subject);
        double accuracy = correct / (double)items.Count;
        accuracy.Should().BeGreaterThan(0.4, "chance is 0.1");
        accuracy.Should().BeLessThan(1.0);
    }

    [Fact]
    public void Invalid_options_are_rejected_naming_the_option()
    {
        var act = () => FaceDatasetGenerator.Generate("unused", new FaceDatasetOptions { ImagesPerSubject = 1 });
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("ImagesPerSubject");
        act = () => FaceDatasetGenerator.Generate("unused", new FaceDatasetOptions { Subjects = 0 });
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Subjects");
    }
}
