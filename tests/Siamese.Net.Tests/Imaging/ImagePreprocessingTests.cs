using Siamese.Net.Imaging;
using Siamese.Net.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;
using W = Siamese.Net.Tests.TestSupport.TestImageWriter;

namespace Siamese.Net.Tests.Imaging;

public class ImagePreprocessingTests
{
    [Fact]
    public void Resizes_any_size_to_the_target_and_keeps_values_in_range()
    {
        var p = new ImagePreprocessing { Width = 20, Height = 10 };
        using var wide = torch.rand(1, 37, 91);
        using var tall = torch.rand(3, 200, 15);
        using var a = p.Apply(wide);
        using var b = p.Apply(tall);
        a.shape.Should().Equal(1, 10, 20);
        b.shape.Should().Equal(1, 10, 20);
        a.min().item<float>().Should().BeGreaterThanOrEqualTo(0f);
        a.max().item<float>().Should().BeLessThanOrEqualTo(1f);
    }

    [Fact]
    public void Batch_input_keeps_its_batch_dimension()
    {
        using var batch = torch.rand(4, 1, 30, 30);
        using var y = new ImagePreprocessing { Width = 8, Height = 8 }.Apply(batch);
        y.shape.Should().Equal(4, 1, 8, 8);
    }

    [Fact]
    public void Bilinear_matches_pytorch_half_pixel_resize_on_a_ramp()
    {
        // A horizontal ramp 0..3 downscaled 4 -> 2 with align_corners=False samples at x = 0.5 and 2.5.
        using var ramp = torch.tensor(new float[] { 0, 1, 2, 3 }, new long[] { 1, 1, 4 }) / 3f;
        using var y = new ImagePreprocessing { Width = 2, Height = 1 }.Apply(ramp);
        y.data<float>().ToArray().Should().Equal(new[] { 0.5f / 3, 2.5f / 3 }, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Area_resize_keeps_a_thin_stroke_that_bilinear_can_miss()
    {
        // A 1-pixel dark vertical line in white, 8 px wide image shrunk 4x: area averaging must show it at 3/4 grey.
        using var img = torch.ones(1, 8, 8);
        img[.., .., 1] = torch.tensor(0f);
        using var area = new ImagePreprocessing { Width = 2, Height = 2, ResizeMode = ResizeMode.Area }.Apply(img);
        area[0, 0, 0].item<float>().Should().BeApproximately(0.75f, 1e-6f);
        area[0, 0, 1].item<float>().Should().BeApproximately(1f, 1e-6f);
    }

    [Fact]
    public void Min_pool_resize_keeps_a_thin_stroke_at_full_darkness()
    {
        // The same 1-pixel line: min pooling keeps it black (0) in its cell, white elsewhere, unlike area's 3/4 grey.
        using var img = torch.ones(1, 8, 8);
        img[.., .., 1] = torch.tensor(0f);
        using var pooled = new ImagePreprocessing { Width = 2, Height = 2, ResizeMode = ResizeMode.MinPool }.Apply(img);
        pooled.data<float>().ToArray().Should().Equal(0f, 1f, 0f, 1f);
    }

    [Fact]
    public void Min_pool_resize_handles_sizes_that_do_not_divide_and_matches_pytorch()
    {
        // 5 -> 3 columns: PyTorch's adaptive pooling cells are [0,2), [1,4), [3,5), i.e. -adaptive_max_pool2d(-x).
        using var row = torch.tensor(new float[] { 0.9f, 0.2f, 0.8f, 0.7f, 0.5f }, new long[] { 1, 1, 5 });
        using var y = new ImagePreprocessing { Width = 3, Height = 1, ResizeMode = ResizeMode.MinPool }.Apply(row);
        y.data<float>().ToArray().Should().Equal(0.2f, 0.2f, 0.5f);
    }

    [Fact]
    public void Pad_to_aspect_centres_a_wide_image_on_background_instead_of_squashing_it()
    {
        // 4 wide x 2 high black image into a square: pad 1 row of white above and below.
        using var img = torch.zeros(1, 2, 4);
        using var y = new ImagePreprocessing { Width = 4, Height = 4, PadToAspect = true }.Apply(img);
        var rows = y[0].sum(1).data<float>().ToArray();
        rows.Should().Equal(4f, 0f, 0f, 4f);

        using var squashed = new ImagePreprocessing { Width = 4, Height = 4 }.Apply(img);
        squashed.sum().item<float>().Should().Be(0f);
    }

    [Fact]
    public void Invert_then_normalise_in_that_order()
    {
        using var img = torch.tensor(new float[] { 0f, 0.25f, 1f }, new long[] { 1, 1, 3 });
        var p = new ImagePreprocessing { Width = 3, Height = 1, Invert = true, Mean = [0.5f], Std = [0.25f] };
        using var y = p.Apply(img);
        // invert: 1, 0.75, 0 ; normalise: (v - 0.5) / 0.25
        y.data<float>().ToArray().Should().Equal(2f, 1f, -2f);
    }

    [Fact]
    public void Per_channel_statistics_apply_per_channel_in_rgb()
    {
        using var img = torch.ones(3, 2, 2) * 0.5f;
        var p = new ImagePreprocessing { Width = 2, Height = 2, ColorMode = ColorMode.Rgb, Mean = [0.5f, 0f, 1f], Std = [1f, 0.5f, 0.5f] };
        using var y = p.Apply(img);
        y[.., 0, 0].data<float>().ToArray().Should().Equal(0f, 1f, -1f);
    }

    [Fact]
    public void Rgb_input_to_grey_uses_luma()
    {
        using var img = torch.tensor(new float[] { 1, 0, 0 }, new long[] { 3, 1, 1 });
        using var y = new ImagePreprocessing { Width = 1, Height = 1 }.Apply(img);
        y.item<float>().Should().BeApproximately(0.299f, 1e-6f);
    }

    [Fact]
    public void Json_round_trip_preserves_every_setting_and_equality()
    {
        var p = new ImagePreprocessing
        {
            Width = 220, Height = 155, ColorMode = ColorMode.Rgb, ResizeMode = ResizeMode.Area, PadToAspect = true,
            BackgroundValue = 0.9f, Invert = true, Mean = [0.1f, 0.2f, 0.3f], Std = [0.5f],
        };
        var json = p.ToJson();
        json.Should().Contain("\"Area\"").And.Contain("\"Rgb\"");
        var back = ImagePreprocessing.FromJson(json);
        back.Should().Be(p);
        back.GetHashCode().Should().Be(p.GetHashCode());
        back.Mean.Should().Equal(0.1f, 0.2f, 0.3f);
        (back with { Invert = false }).Should().NotBe(p);
        new ImagePreprocessing().Should().Be(ImagePreprocessing.FromJson(new ImagePreprocessing().ToJson()));
    }

    [Fact]
    public void Settings_are_validated_with_the_option_name()
    {
        FluentActions.Invoking(() => new ImagePreprocessing { Width = 0 }).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Width");
        FluentActions.Invoking(() => new ImagePreprocessing { Std = [0f] }).Should().Throw<ArgumentException>().WithParameterName("Std");
        FluentActions.Invoking(() => new ImagePreprocessing { BackgroundValue = 2 }).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => ImagePreprocessing.FromJson("{\"Width\": -3}")).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Width");
        FluentActions.Invoking(() => ImagePreprocessing.FromJson("{\"Mean\": [0.1, 0.2]}")).Should().Throw<ArgumentException>().WithMessage("*Mean has 2 values*");
        FluentActions.Invoking(() => ImagePreprocessing.FromJson("not json")).Should().Throw<ArgumentException>();
        using var fourChannels = torch.zeros(4, 2, 2);
        FluentActions.Invoking(() => new ImagePreprocessing().Apply(fourChannels)).Should().Throw<ArgumentException>().WithMessage("*1 or 3 channels*");
        using var bytes = torch.zeros(new long[] { 1, 2, 2 }, ScalarType.Byte);
        FluentActions.Invoking(() => new ImagePreprocessing().Apply(bytes)).Should().Throw<ArgumentException>().WithMessage("*Byte*255*");
    }

    [Fact]
    public void Load_reads_decodes_and_preprocesses_and_names_a_missing_file()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("a.png");
        File.WriteAllBytes(path, W.GreyPng(30, 40, (x, y) => 0));
        var p = new ImagePreprocessing { Width = 10, Height = 12, Invert = true };
        using var t = p.Load(path);
        t.shape.Should().Equal(1, 12, 10);
        t.min().item<float>().Should().Be(1f);

        var missing = dir.Combine("nope.png");
        FluentActions.Invoking(() => p.Load(missing)).Should().Throw<FileNotFoundException>().WithMessage("*nope.png*");
    }

    [Fact]
    public void Training_store_and_inference_load_give_identical_tensors()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("sig.png");
        File.WriteAllBytes(path, W.GreyPng(60, 25, (x, y) => (x * 4) + y));
        var p = new ImagePreprocessing { Width = 22, Height = 15, PadToAspect = true, Invert = true, Mean = [0.1f], Std = [0.3f] };
        using var viaInference = ImagePreprocessing.FromJson(p.ToJson()).Load(path);
        using var viaTraining = new Siamese.Net.Data.ImageStore(p, cacheInMemory: true).LoadBatch([path]);
        viaTraining[0].allclose(viaInference, rtol: 0, atol: 0).Should().BeTrue();
    }

    [Fact]
    public void Statistics_of_the_wrong_length_fail_at_the_boundary()
    {
        var p = new ImagePreprocessing { ColorMode = ColorMode.Rgb, Mean = [0.1f, 0.2f] };
        using var img = torch.rand(3, 4, 4);
        FluentActions.Invoking(() => p.Apply(img)).Should().Throw<ArgumentException>().WithMessage("*Mean has 2 values*");
    }

    [Fact]
    public void Apply_leaks_no_tensor()
    {
        using var img = torch.rand(1, 50, 70);
        var p = new ImagePreprocessing { Width = 20, Height = 20, PadToAspect = true, Invert = true, Mean = [0.5f], Std = [0.2f] };
        using (var scope = torch.NewDisposeScope())
        {
            var y = p.Apply(img, ImageAugmentation.Koch, new Random(1));
            scope.DisposablesCount.Should().Be(1, "only the result may be left in the caller's scope");
        }
    }
}
