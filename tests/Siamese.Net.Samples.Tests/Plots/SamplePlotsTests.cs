using Siamese.Net.Samples.Common.Plots;
using SkiaSharp;

namespace Siamese.Net.Samples.Tests.Plots;

public sealed class SamplePlotsTests
{
    [Fact]
    public void Loss_curve_is_a_png_of_the_requested_size_with_two_coloured_series()
    {
        using var temp = new TempFolder();
        string path = SamplePlots.SaveLossCurve(temp.Sub("out/loss.png"), [1.0, 0.6, 0.4, 0.3], [1.1, 0.8, 0.7, 0.7], width: 640, height: 400);

        Png.Header(path).Should().Be((640, 400, 8, 6));
        using var bitmap = Png.Decode(path);
        CountColoured(bitmap).Should().BeGreaterThan(200, "the curves are drawn in colour");
    }

    [Fact]
    public void Roc_curve_is_written_and_checks_its_inputs()
    {
        using var temp = new TempFolder();
        double[] far = [0, 0.01, 0.05, 0.2, 1];
        double[] tar = [0, 0.7, 0.95, 0.99, 1];

        string path = SamplePlots.SaveRocCurve(temp.Sub("roc.png"), far, tar, auc: 0.97, eer: 0.05);

        Png.Header(path).Should().Be((SamplePlots.DefaultWidth, SamplePlots.DefaultHeight, 8, 6));
        new FileInfo(path).Length.Should().BeGreaterThan(5000);
        var mismatch = () => SamplePlots.SaveRocCurve(temp.Sub("x.png"), far, [0, 1], 0.9, 0.1);
        mismatch.Should().Throw<ArgumentException>().WithParameterName("trueAcceptRates");
        var percent = () => SamplePlots.SaveRocCurve(temp.Sub("x.png"), far, tar, 97, 0.1);
        percent.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("auc");
    }

    [Fact]
    public void Distance_histograms_are_written_with_a_threshold_and_reject_bad_values()
    {
        using var temp = new TempFolder();
        var random = new Random(1);
        double[] same = [.. Enumerable.Range(0, 300).Select(_ => 0.4 + (0.2 * random.NextDouble()))];
        double[] different = [.. Enumerable.Range(0, 200).Select(_ => 1.0 + (0.5 * random.NextDouble()))];

        string path = SamplePlots.SaveDistanceHistograms(temp.Sub("hist.png"), same, different, threshold: 0.8, width: 700, height: 450);

        Png.Header(path).Should().Be((700, 450, 8, 6));
        using var bitmap = Png.Decode(path);
        CountColoured(bitmap).Should().BeGreaterThan(2000, "two filled histograms are drawn");
        var empty = () => SamplePlots.SaveDistanceHistograms(temp.Sub("x.png"), [], different);
        empty.Should().Throw<ArgumentException>().WithParameterName("sameDistances");
        var nan = () => SamplePlots.SaveDistanceHistograms(temp.Sub("x.png"), same, [double.NaN]);
        nan.Should().Throw<ArgumentException>().WithParameterName("differentDistances");
    }

    private static int CountColoured(SKBitmap bitmap)
    {
        int count = 0;
        for (int y = 0; y < bitmap.Height; y += 2)
        {
            for (int x = 0; x < bitmap.Width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                if (Math.Max(Math.Abs(c.Red - c.Green), Math.Max(Math.Abs(c.Green - c.Blue), Math.Abs(c.Red - c.Blue))) > 40)
                {
                    count++;
                }
            }
        }

        return count;
    }
}
