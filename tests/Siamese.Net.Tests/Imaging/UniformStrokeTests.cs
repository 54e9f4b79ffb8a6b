using Siamese.Net.Imaging;
using TorchSharp;

namespace Siamese.Net.Tests.Imaging;

/// <summary>
/// <see cref="InkNormalization.OtsuBinarizeUniformStrokes"/>: skeleton thinning (Zhang and Suen) and redrawing at one
/// width, so that the width of the pen does not reach the model.
/// </summary>
public sealed class UniformStrokeTests
{
    private const int ScanHeight = 254, ScanWidth = 512;

    [Fact]
    public void Thinning_a_bar_leaves_a_line_one_pixel_wide()
    {
        const int height = 20, width = 60;
        var ink = new bool[height * width];
        for (int y = 6; y <= 14; y++)
        {
            for (int x = 5; x <= 54; x++)
            {
                ink[(y * width) + x] = true;
            }
        }

        InkBinarizer.Thin(ink, height, width);

        for (int x = 15; x <= 44; x++)
        {
            Enumerable.Range(0, height).Count(y => ink[(y * width) + x]).Should().Be(1, $"column {x} of the bar's middle");
        }

        ink.Count(i => i).Should().BeInRange(30, 52, "the skeleton runs along the bar, not beyond it");
    }

    [Fact]
    public void Thinning_keeps_a_ring_closed()
    {
        const int size = 40;
        var ink = new bool[size * size];
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                double r = Math.Sqrt(((y - 20) * (y - 20)) + ((x - 20) * (x - 20)));
                ink[(y * size) + x] = r is >= 10 and <= 15;
            }
        }

        InkBinarizer.Thin(ink, size, size);

        // Every ray from the centre still crosses the ring: the skeleton kept the topology.
        for (int angle = 0; angle < 360; angle += 15)
        {
            double a = angle * Math.PI / 180;
            bool crosses = Enumerable.Range(80, 90).Select(t => t / 10.0)
                .Any(r => ink[((int)Math.Round(20 + (r * Math.Sin(a))) * size) + (int)Math.Round(20 + (r * Math.Cos(a)))]);
            crosses.Should().BeTrue($"the ring is closed at {angle} degrees");
        }
    }

    [Theory]
    [InlineData(254, 512, 48, 96, 2)]
    [InlineData(150, 300, 48, 96, 1)]
    [InlineData(48, 96, 48, 96, 0)]
    [InlineData(20, 40, 48, 96, 0)]
    public void The_redrawn_stroke_is_about_one_target_pixel_wide(int height, int width, int targetHeight, int targetWidth, int radius)
    {
        InkBinarizer.StrokeRadius(height, width, targetHeight, targetWidth).Should().Be(radius);
    }

    [Fact]
    public void A_thin_and_a_broad_pen_give_nearly_the_same_input_once_strokes_are_uniform()
    {
        var binarize = ImagePreprocessing.InkInvariantSignature(48, 96);
        var uniform = binarize with { InkNormalization = InkNormalization.OtsuBinarizeUniformStrokes };

        var (thinBinary, broadBinary) = (Load(binarize, penRadius: 2), Load(binarize, penRadius: 7));
        var (thinUniform, broadUniform) = (Load(uniform, penRadius: 2), Load(uniform, penRadius: 7));

        // Binarised only, the broad pen's strokes cover far more of the input; with uniform strokes about the same.
        ((double)broadBinary.Sum() / thinBinary.Sum()).Should().BeGreaterThan(1.8);
        ((double)broadUniform.Sum() / thinUniform.Sum()).Should().BeInRange(0.8, 1.25);
        MeanAbsoluteDifference(thinUniform, broadUniform).Should().BeLessThan(0.4 * MeanAbsoluteDifference(thinBinary, broadBinary));
    }

    [Fact]
    public void The_setting_round_trips_and_validates_like_the_other_ink_normalisation()
    {
        var uniform = ImagePreprocessing.InkInvariantSignature(48, 96) with { InkNormalization = InkNormalization.OtsuBinarizeUniformStrokes };

        ImagePreprocessing.FromJson(uniform.ToJson()).Should().Be(uniform);
        FluentActions.Invoking(() => (uniform with { ColorMode = ColorMode.Rgb }).Validate()).Should().Throw<ArgumentException>().WithParameterName("InkNormalization");
    }

    private static float[] Load(ImagePreprocessing preprocessing, int penRadius)
    {
        using var image = torch.tensor(Scan(penRadius), [1, ScanHeight, ScanWidth]);
        using var output = preprocessing.Apply(image);
        return output.contiguous().data<float>().ToArray();
    }

    /// <summary>Grey paper (0.95) with a looping line written in dark grey (0.2) by a disc pen of the given radius.</summary>
    private static float[] Scan(int penRadius)
    {
        var plane = Enumerable.Repeat(0.95f, ScanHeight * ScanWidth).ToArray();
        for (double t = 0; t <= 1; t += 0.0005)
        {
            double x = 60 + (390 * t) + (30 * Math.Sin(t * 31));
            double y = 127 + (60 * Math.Sin(t * 9)) + (25 * Math.Cos(t * 31));
            for (int dy = -penRadius; dy <= penRadius; dy++)
            {
                for (int dx = -penRadius; dx <= penRadius; dx++)
                {
                    int px = (int)Math.Round(x) + dx, py = (int)Math.Round(y) + dy;
                    if ((dx * dx) + (dy * dy) <= penRadius * penRadius && px is >= 0 and < ScanWidth && py is >= 0 and < ScanHeight)
                    {
                        plane[(py * ScanWidth) + px] = 0.2f;
                    }
                }
            }
        }

        return plane;
    }

    private static double MeanAbsoluteDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Average();
}
