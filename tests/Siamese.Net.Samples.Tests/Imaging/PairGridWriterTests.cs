using Siamese.Net.Samples.Common.Imaging;
using SkiaSharp;

namespace Siamese.Net.Samples.Tests.Imaging;

public sealed class PairGridWriterTests
{
    [Fact]
    public void Verdict_text_and_colour_follow_the_verdict_and_the_truth()
    {
        var image = Uniform(0.5f, 10, 10);
        var right = new PairGridEntry(image, image, 0.25, PredictedSame: true, ActuallySame: true);
        var wrong = new PairGridEntry(image, image, 1.5, PredictedSame: false, ActuallySame: true);
        var unknown = new PairGridEntry(image, image, 1.5, PredictedSame: false);

        PairGridWriter.VerdictText(right, "distance").Should().Be("distance 0.250: same");
        PairGridWriter.VerdictText(wrong, "dissimilarity").Should().Be("dissimilarity 1.500: different");
        PairGridWriter.VerdictColor(right).Should().Be(PairGridWriter.Correct);
        PairGridWriter.VerdictColor(wrong).Should().Be(PairGridWriter.Wrong);
        PairGridWriter.VerdictColor(unknown).Should().Be(PairGridWriter.Unknown);
    }

    [Fact]
    public void Grid_lays_out_rows_of_pairs_draws_the_pictures_and_writes_coloured_verdicts()
    {
        using var temp = new TempFolder();
        var black = Uniform(0f, 50, 100);   // scaled to 105 high: 53 wide
        var white = Uniform(1f, 50, 100);
        var entries = new List<PairGridEntry>
        {
            new(black, white, 0.2, PredictedSame: true, ActuallySame: true, Caption: "a vs b"),
            new(black, black, 0.3, PredictedSame: true, ActuallySame: false),
            new(white, black, 1.2, PredictedSame: false, ActuallySame: false),
        };

        string path = PairGridWriter.Write(temp.Sub("grid.png"), entries, new PairGridOptions { Columns = 2 });
        string single = PairGridWriter.Write(temp.Sub("single.png"), entries.Take(1).ToList(), new PairGridOptions { Columns = 2 });

        var grid = Png.Header(path);
        var one = Png.Header(single);
        grid.Width.Should().Be(2 * one.Width, "two pairs per row");
        grid.Height.Should().Be(2 * one.Height, "three pairs in two columns make two rows");
        using var bitmap = Png.Decode(path);
        // Left picture of the first pair is black, the right one white, each centred in its slot.
        bitmap.GetPixel(10 + 26, 10 + 52).Red.Should().BeLessThan(10);
        bitmap.GetPixel(10 + 53 + 6 + 26, 10 + 52).Red.Should().BeGreaterThan(245);
        CountNear(bitmap, PairGridWriter.Correct).Should().BeGreaterThan(20, "two verdicts are right");
        CountNear(bitmap, PairGridWriter.Wrong).Should().BeGreaterThan(10, "one verdict is wrong");
    }

    [Fact]
    public void Bad_input_is_rejected()
    {
        var act = () => PairGridWriter.Write("x.png", []);
        act.Should().Throw<ArgumentException>().WithParameterName("entries");
        var options = () => PairGridWriter.Write("x.png", [new PairGridEntry(Uniform(0, 2, 2), Uniform(0, 2, 2), 1, true)], new PairGridOptions { Columns = 0 });
        options.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Columns");
    }

    private static GrayImage Uniform(float value, int width, int height) => new(Enumerable.Repeat(value, width * height).ToArray(), width, height);

    private static int CountNear(SKBitmap bitmap, SKColor colour)
    {
        int count = 0;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (Math.Abs(c.Red - colour.Red) + Math.Abs(c.Green - colour.Green) + Math.Abs(c.Blue - colour.Blue) < 30)
                {
                    count++;
                }
            }
        }

        return count;
    }
}
