using Siamese.Net.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Imaging;

public class ImageAugmentationTests
{
    private static Tensor Glyph()
    {
        var img = torch.ones(1, 32, 32);
        img[.., 8..24, 14..18] = torch.tensor(0f);
        return img;
    }

    [Fact]
    public void Same_seed_gives_identical_output_and_another_seed_differs()
    {
        using var img = Glyph();
        var aug = ImageAugmentation.Koch with { ComponentProbability = 1, CropFraction = 0.9 };
        using var a = aug.Apply(img, new Random(42));
        using var b = aug.Apply(img, new Random(42));
        using var c = aug.Apply(img, new Random(43));
        a.allclose(b, rtol: 0, atol: 0).Should().BeTrue();
        a.allclose(c, rtol: 0, atol: 0).Should().BeFalse();
        a.shape.Should().Equal(img.shape);
    }

    [Fact]
    public void Zero_ranges_are_the_identity()
    {
        using var img = torch.rand(1, 17, 23);
        var none = new ImageAugmentation { RotationDegrees = 0, Shear = 0, ScaleMin = 1, ScaleMax = 1, TranslationPixels = 0 };
        using var y = none.Apply(img, new Random(5));
        y.allclose(img, rtol: 0, atol: 1e-5).Should().BeTrue();
    }

    [Fact]
    public void Translation_moves_the_glyph_by_at_most_the_range_and_fills_with_background()
    {
        using var img = Glyph();
        var shift = new ImageAugmentation { RotationDegrees = 0, Shear = 0, ScaleMin = 1, ScaleMax = 1, TranslationPixels = 3, ComponentProbability = 1 };
        for (int seed = 0; seed < 10; seed++)
        {
            using var y = shift.Apply(img, new Random(seed));
            // Ink mass is preserved (the glyph stays inside) and the centre moves by at most 3 px.
            var ink = 1f - y;
            ink.sum().item<float>().Should().BeApproximately((1f - img).sum().item<float>(), 0.5f);
            using var xs = torch.linspace(0, 31, 32);
            float cx = (ink[0].sum(dim: 0) * xs).sum().item<float>() / ink.sum().item<float>();
            float cy = (ink[0].sum(1) * xs).sum().item<float>() / ink.sum().item<float>();
            Math.Abs(cx - 15.5f).Should().BeLessThanOrEqualTo(3.01f);
            Math.Abs(cy - 15.5f).Should().BeLessThanOrEqualTo(3.01f);
            y[0, 0, 0].item<float>().Should().Be(1f, "the corner shows background after a shift");
        }
    }

    [Fact]
    public void Rotation_by_a_full_range_turns_a_vertical_bar()
    {
        using var img = Glyph();
        var rotate = new ImageAugmentation { RotationDegrees = 90, Shear = 0, ScaleMin = 1, ScaleMax = 1, TranslationPixels = 0, ComponentProbability = 1 };
        bool sawWideInk = false;
        for (int seed = 0; seed < 10 && !sawWideInk; seed++)
        {
            using var y = rotate.Apply(img, new Random(seed));
            var columnsWithInk = ((1f - y[0]).sum(dim: 0) > 0.5f).sum().item<long>();
            sawWideInk = columnsWithInk > 8;
        }

        sawWideInk.Should().BeTrue("a bar 4 px wide spans many more columns once rotated by tens of degrees");
    }

    [Fact]
    public void Horizontal_flip_is_off_by_default_and_exact_when_on()
    {
        ImageAugmentation.Koch.HorizontalFlipProbability.Should().Be(0);
        using var img = torch.rand(1, 9, 11);
        var flipOnly = new ImageAugmentation { RotationDegrees = 0, Shear = 0, ScaleMin = 1, ScaleMax = 1, TranslationPixels = 0, HorizontalFlipProbability = 1 };
        using var y = flipOnly.Apply(img, new Random(0));
        using var expected = img.flip(-1);
        y.allclose(expected, rtol: 0, atol: 1e-5).Should().BeTrue();
    }

    [Fact]
    public void Batch_images_get_independent_draws()
    {
        using var one = Glyph();
        using var batch = one.unsqueeze(0).expand(4, -1, -1, -1).contiguous();
        using var y = (ImageAugmentation.Koch with { ComponentProbability = 1 }).Apply(batch, new Random(3));
        y[0].allclose(y[1], rtol: 0, atol: 0).Should().BeFalse();
    }

    [Fact]
    public void Own_sampling_grid_equals_libtorch_affine_grid()
    {
        var random = new Random(4);
        var thetas = Enumerable.Range(0, 3 * 6).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        using var mine = ImageAugmentation.SamplingGrid(thetas, 3, 7, 11);
        using var theta = torch.tensor(thetas, new long[] { 3, 2, 3 });
        using var reference = torch.nn.functional.affine_grid(theta, new long[] { 3, 1, 7, 11 }, align_corners: false);
        mine.shape.Should().Equal(reference.shape);
        mine.allclose(reference, rtol: 0, atol: 1e-6).Should().BeTrue();
    }

    [Fact]
    public void Invalid_settings_are_rejected()
    {
        FluentActions.Invoking(() => new ImageAugmentation { CropFraction = 0 }).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("CropFraction");
        FluentActions.Invoking(() => new ImageAugmentation { ComponentProbability = 2 }).Should().Throw<ArgumentOutOfRangeException>();
        using var img = torch.ones(1, 4, 4);
        FluentActions.Invoking(() => new ImageAugmentation { ScaleMin = 2, ScaleMax = 1 }.Apply(img, new Random(0))).Should().Throw<ArgumentException>();
    }
}
