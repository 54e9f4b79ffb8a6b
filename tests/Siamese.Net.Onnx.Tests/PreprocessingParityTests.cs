using Siamese.Net.Imaging;
using Siamese.Net.Tests.TestSupport;
using TorchSharp;
using CoreColorMode = Siamese.Net.Imaging.ColorMode;
using CoreResizeMode = Siamese.Net.Imaging.ResizeMode;

namespace Siamese.Net.Onnx.Tests;

public sealed class PreprocessingParityTests : IDisposable
{
    private const double Tolerance = 1e-5;
    private readonly TempDirectory _folder = new();
    private readonly string[] _files;
    private readonly string[] _signatures;

    public PreprocessingParityTests()
    {
        var random = new Random(5);
        int Byte() => random.Next(256);
        byte[] Rgb(int w, int h) => Enumerable.Range(0, w * h * 3).Select(_ => (byte)Byte()).ToArray();
        var files = new List<string>
        {
            Write("grey.png", TestImageWriter.GreyPng(37, 23, (x, y) => ((x * 7) + (y * 13)) % 256)),
            Write("rgb.png", TestImageWriter.Stb(31, 45, Rgb(31, 45), "png8")),
            Write("rgba.png", TestImageWriter.Png(19, 17, 8, 6, Enumerable.Range(0, 19 * 17 * 4).Select(_ => Byte()).ToArray())),
            Write("grey16.png", TestImageWriter.Png(21, 26, 16, 0, Enumerable.Range(0, 21 * 26).Select(_ => random.Next(65536)).ToArray())),
            Write("p5.pgm", TestImageWriter.PgmBinary(50, 40, 255, Enumerable.Range(0, 2000).Select(_ => Byte()).ToArray())),
            Write("p5-16.pgm", TestImageWriter.PgmBinary(12, 30, 1000, Enumerable.Range(0, 360).Select(_ => random.Next(1001)).ToArray())),
            Write("p2.pgm", TestImageWriter.PgmAscii(9, 7, 15, Enumerable.Range(0, 63).Select(_ => random.Next(16)).ToArray())),
            Write("photo.jpg", TestImageWriter.Stb(29, 33, Rgb(29, 33), "jpg")),
            Write("photo.bmp", TestImageWriter.Stb(24, 18, Rgb(24, 18), "bmp")),
        };
        foreach (var (seed, ink) in new[] { (1, 0.3f), (2, 0f), (3, 0.55f) })
        {
            var signature = SyntheticInk.Signature(150, 70, seed, ink);
            files.Add(Write($"signature-{seed}.png", TestImageWriter.GreyPng(150, 70, SyntheticInk.Levels(signature, 150))));
        }

        _signatures = [.. files.TakeLast(3)];
        _files = [.. files];
    }

    public static TheoryData<CoreResizeMode, CoreColorMode, int, int, string> Settings()
    {
        var data = new TheoryData<CoreResizeMode, CoreColorMode, int, int, string>();
        foreach (var resize in Enum.GetValues<CoreResizeMode>())
        {
            foreach (var colour in Enum.GetValues<CoreColorMode>())
            {
                data.Add(resize, colour, 20, 24, "plain");   // downscale
                data.Add(resize, colour, 64, 60, "plain");   // upscale
                data.Add(resize, colour, 28, 40, "pad-invert-normalise");
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Managed_preprocessing_equals_the_core_on_the_same_files(CoreResizeMode resize, CoreColorMode colour, int height, int width, string variant)
    {
        var core = new ImagePreprocessing
        {
            Height = height,
            Width = width,
            ResizeMode = resize,
            ColorMode = colour,
            PadToAspect = variant != "plain",
            BackgroundValue = 0.9f,
            Invert = variant != "plain",
            Mean = variant == "plain" ? null : colour == CoreColorMode.Rgb ? [0.4f, 0.5f, 0.6f] : [0.45f],
            Std = variant == "plain" ? null : [0.25f],
        };
        // The bundle carries the core's JSON: reading it is part of what is tested.
        var managed = OnnxImagePreprocessing.FromJson(core.ToJson());
        managed.Channels.Should().Be(core.Channels);
        foreach (var file in _files)
        {
            float[] expected;
            using (var tensor = core.Load(file))
            {
                expected = tensor.contiguous().data<float>().ToArray();
            }

            var actual = managed.Load(file);
            actual.Length.Should().Be(expected.Length, file);
            MaxAbsoluteDifference(actual, expected).Should().BeLessThanOrEqualTo(Tolerance, Path.GetFileName(file));
        }
    }

    public static TheoryData<CoreResizeMode, bool, int, int, bool> InkSettings()
    {
        var data = new TheoryData<CoreResizeMode, bool, int, int, bool>();
        foreach (var resize in Enum.GetValues<CoreResizeMode>())
        {
            foreach (bool crop in new[] { false, true })
            {
                data.Add(resize, crop, 20, 40, false);
                data.Add(resize, crop, 48, 96, false);
                data.Add(resize, crop, 20, 40, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(InkSettings))]
    public void Managed_ink_normalisation_equals_the_core_on_the_same_files(CoreResizeMode resize, bool crop, int height, int width, bool uniformStrokes)
    {
        var core = ImagePreprocessing.InkInvariantSignature(height, width) with
        {
            ResizeMode = resize, CropToInk = crop, Mean = [0.1f], Std = [0.3f],
            InkNormalization = uniformStrokes ? global::Siamese.Net.Imaging.InkNormalization.OtsuBinarizeUniformStrokes : global::Siamese.Net.Imaging.InkNormalization.OtsuBinarize,
        };
        var managed = OnnxImagePreprocessing.FromJson(core.ToJson());
        managed.InkNormalization.Should().Be(uniformStrokes ? InkNormalization.OtsuBinarizeUniformStrokes : InkNormalization.OtsuBinarize);
        managed.CropToInk.Should().Be(crop);
        foreach (var file in _files)
        {
            float[] expected;
            using (var tensor = core.Load(file))
            {
                expected = tensor.contiguous().data<float>().ToArray();
            }

            MaxAbsoluteDifference(managed.Load(file), expected).Should().BeLessThanOrEqualTo(Tolerance, Path.GetFileName(file));
        }
    }

    [Fact]
    public void Managed_ink_normalisation_removes_ink_darkness_as_the_core_does()
    {
        // The three signature files are one kind of writing in grey, black and light ink: after the step the managed
        // side sees nearly the same binary strokes for each (they differ in shape only by their seeds here, so
        // compare each with the core rather than with each other), and no value other than 0 or 1 before the resize.
        var managed = new OnnxImagePreprocessing { Height = 70, Width = 150, InkNormalization = InkNormalization.OtsuBinarize };
        foreach (var file in _signatures)
        {
            managed.Load(file).Should().OnlyContain(v => v == 0f || v == 1f, Path.GetFileName(file));
        }

        FluentActions.Invoking(() => new OnnxImagePreprocessing { InkNormalization = InkNormalization.OtsuBinarize, ColorMode = ColorMode.Rgb }.Validate())
            .Should().Throw<ArgumentException>().WithParameterName("InkNormalization");
        FluentActions.Invoking(() => new OnnxImagePreprocessing { CropToInk = true }.Validate())
            .Should().Throw<ArgumentException>().WithParameterName("CropToInk");
        FluentActions.Invoking(() => OnnxImagePreprocessing.FromJson("{\"Width\": 20, \"InkSomething\": 1}"))
            .Should().Throw<ArgumentException>("a setting this version does not know would be skipped silently");
    }

    [Theory]
    [InlineData(CoreColorMode.Grayscale, 3)]
    [InlineData(CoreColorMode.Rgb, 1)]
    [InlineData(CoreColorMode.Rgb, 3)]
    public void Channel_conversion_of_decoded_arrays_equals_the_core(CoreColorMode colour, int channels)
    {
        var core = new ImagePreprocessing { Height = 11, Width = 13, ColorMode = colour, ResizeMode = CoreResizeMode.Bilinear };
        var managed = OnnxImagePreprocessing.FromJson(core.ToJson());
        var pixels = Parity.RandomImages(1, channels * 17 * 9, seed: channels);
        using var tensor = torch.tensor(pixels, [channels, 17, 9]);
        using var result = core.Apply(tensor);
        MaxAbsoluteDifference(managed.Apply(pixels, channels, 17, 9), result.data<float>().ToArray()).Should().BeLessThanOrEqualTo(Tolerance);
    }

    [Fact]
    public void Json_round_trips_between_the_two_types()
    {
        var managed = new OnnxImagePreprocessing
        {
            Width = 50, Height = 40, ColorMode = ColorMode.Rgb, ResizeMode = ResizeMode.MinPool, PadToAspect = true, BackgroundValue = 0.5f,
            Invert = true, Mean = [0.1f, 0.2f, 0.3f], Std = [0.5f],
        };
        var core = ImagePreprocessing.FromJson(managed.ToJson());
        OnnxImagePreprocessing.FromJson(core.ToJson()).Should().Be(managed);
        core.ResizeMode.Should().Be(CoreResizeMode.MinPool);
        var ink = new OnnxImagePreprocessing { InkNormalization = InkNormalization.OtsuBinarize, CropToInk = true, Invert = true };
        var coreInk = ImagePreprocessing.FromJson(ink.ToJson());
        coreInk.InkNormalization.Should().Be(Siamese.Net.Imaging.InkNormalization.OtsuBinarize);
        coreInk.CropToInk.Should().BeTrue();
        OnnxImagePreprocessing.FromJson(coreInk.ToJson()).Should().Be(ink);
    }

    [Fact]
    public void Undecodable_files_raise_the_same_error_type_as_the_core()
    {
        var path = Write("not-an-image.png", [1, 2, 3, 4, 5]);
        var managed = new OnnxImagePreprocessing();
        managed.Invoking(m => m.Load(path)).Should().Throw<InvalidDataException>().WithMessage($"*{path}*");
        managed.Invoking(m => m.Load(Path.Combine(_folder.Path, "missing.png"))).Should().Throw<FileNotFoundException>();
    }

    public void Dispose() => _folder.Dispose();

    private static double MaxAbsoluteDifference(float[] a, float[] b)
    {
        a.Length.Should().Be(b.Length);
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        }

        return worst;
    }

    private string Write(string name, byte[] bytes)
    {
        var path = _folder.Combine(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
