using Siamese.Net.Encoders;
using Siamese.Net.Imaging;
using Siamese.Net.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Imaging;

public sealed class InkNormalizationTests
{
    private const int ScanWidth = 240;
    private const int ScanHeight = 120;

    public static TheoryData<string> InkChanges() => new() { "gamma 0.5", "gamma 2.2", "stretch", "darker ink", "lighter ink", "grey paper" };

    [Theory]
    [MemberData(nameof(InkChanges))]
    public void An_ink_intensity_or_contrast_change_leaves_the_preprocessed_image_nearly_unchanged(string change)
    {
        var original = SyntheticInk.Quantise(SyntheticInk.Signature(ScanWidth, ScanHeight, seed: 3, ink: 0.3f));
        var changed = Changed(change, seed: 3);

        double invariant = RelativeDifference(ImagePreprocessing.InkInvariantSignature(40, 80), original, changed);
        // The control: the same pipeline without the ink step sees the change.
        var plain = ImagePreprocessing.InkInvariantSignature(40, 80) with { InkNormalization = InkNormalization.None, CropToInk = false };
        double control = RelativeDifference(plain, original, changed);

        // Gamma moves the half-coverage point of anti-aliased stroke edges, so a stroke can gain or lose an edge
        // pixel: the strokes' shapes stay, a relative difference of about 0.1 remains.
        invariant.Should().BeLessThan(0.12, change);
        control.Should().BeGreaterThan(0.15, change).And.BeGreaterThan(2 * invariant, change);
    }

    [Theory]
    [MemberData(nameof(InkChanges))]
    public void An_ink_intensity_or_contrast_change_gives_nearly_the_same_embedding(string change)
    {
        var preprocessing = ImagePreprocessing.InkInvariantSignature(40, 80);
        torch.manual_seed(7);
        using var encoder = new Conv4Encoder(new EncoderOptions { InputHeight = 40, InputWidth = 80, EmbeddingSize = 32 });
        encoder.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var original = Scan(SyntheticInk.Quantise(SyntheticInk.Signature(ScanWidth, ScanHeight, seed: 3, ink: 0.3f)));
        var other = Scan(SyntheticInk.Quantise(SyntheticInk.Signature(ScanWidth, ScanHeight, seed: 4, ink: 0.3f)));
        var batch = preprocessing.Apply(torch.stack([original, Scan(Changed(change, seed: 3)), other], 0));
        var e = encoder.call(batch);

        double same = (e[0] - e[1]).norm().item<float>();
        double different = (e[0] - e[2]).norm().item<float>();
        same.Should().BeLessThan(0.15 * different, $"{change}: the changed copy is the same signature");
    }

    [Fact]
    public void The_darkness_cue_that_separates_grey_genuine_from_black_forged_ink_is_near_chance_after_preprocessing()
    {
        // sign_data's artefact in miniature: same kind of strokes, genuine in grey ink, forgeries in black ink.
        var preprocessing = ImagePreprocessing.InkInvariantSignature(40, 80);
        var random = new Random(11);
        var raw = (Genuine: new List<double>(), Forged: new List<double>());
        var darkest = (Genuine: new List<double>(), Forged: new List<double>());
        var meanInk = (Genuine: new List<double>(), Forged: new List<double>());
        for (int i = 0; i < 60; i++)
        {
            bool forged = i % 2 == 1;
            float ink = forged ? (float)(random.NextDouble() * 0.08) : 0.3f + (float)(random.NextDouble() * 0.08);
            var image = SyntheticInk.Quantise(SyntheticInk.Signature(ScanWidth, ScanHeight, seed: 100 + i, ink: ink, penWidth: 2 + random.NextDouble() * 1.5));
            using var scope = torch.NewDisposeScope();
            var prepared = preprocessing.Apply(Scan(image));
            // Inverted: ink is bright, so the darkest scan pixel is the largest value.
            var inkValues = prepared.masked_select(prepared.gt(0.05f));
            (forged ? raw.Forged : raw.Genuine).Add(-image.Min());
            (forged ? darkest.Forged : darkest.Genuine).Add(prepared.max().item<float>());
            (forged ? meanInk.Forged : meanInk.Genuine).Add(inkValues.mean().item<float>());
        }

        SyntheticInk.Auc(raw.Forged, raw.Genuine).Should().BeGreaterThan(0.99, "the raw darkest pixel gives forgeries away");
        SyntheticInk.Auc(darkest.Forged, darkest.Genuine).Should().BeInRange(0.3, 0.7);
        SyntheticInk.Auc(meanInk.Forged, meanInk.Genuine).Should().BeInRange(0.3, 0.7);
    }

    [Fact]
    public void Cropping_to_the_ink_centres_the_writing_whatever_the_margins()
    {
        var signature = SyntheticInk.Quantise(SyntheticInk.Signature(ScanWidth, ScanHeight, seed: 5));
        // The same scan placed off-centre on a larger sheet.
        const int sheetWidth = 400, sheetHeight = 260;
        var sheet = Enumerable.Repeat(0.97f, sheetWidth * sheetHeight).ToArray();
        for (int y = 0; y < ScanHeight; y++)
        {
            signature.AsSpan(y * ScanWidth, ScanWidth).CopyTo(sheet.AsSpan(((y + 130) * sheetWidth) + 150, ScanWidth));
        }

        var preprocessing = ImagePreprocessing.InkInvariantSignature(40, 80);
        using var a = preprocessing.Apply(torch.tensor(signature, [1, ScanHeight, ScanWidth]));
        using var b = preprocessing.Apply(torch.tensor(sheet, [1, sheetHeight, sheetWidth]));
        using var difference = (a - b).abs().max();
        difference.item<float>().Should().BeLessThan(1e-6f);
        using var uncropped = (preprocessing with { CropToInk = false }).Apply(torch.tensor(sheet, [1, sheetHeight, sheetWidth]));
        using var moved = (a - uncropped).abs().max();
        moved.item<float>().Should().BeGreaterThan(0.5f, "without the crop the writing sits where the sheet has it");
    }

    [Fact]
    public void Binarisation_splits_at_the_otsu_level_and_a_flat_image_has_no_ink()
    {
        // Two levels, 0.2 and 0.8: every 0.2 pixel is ink (0), every 0.8 pixel paper (1), in a batch too.
        var values = Enumerable.Range(0, 64).Select(i => i % 3 == 0 ? 0.2f : 0.8f).ToArray();
        var p = new ImagePreprocessing { Height = 8, Width = 8, InkNormalization = InkNormalization.OtsuBinarize };
        using var batch = torch.tensor(values.Concat(Enumerable.Repeat(0.5f, 64)).ToArray(), [2, 1, 8, 8]);
        using var result = p.Apply(batch);
        result[0].data<float>().ToArray().Should().Equal(values.Select(v => v < 0.5f ? 0f : 1f));
        result[1].data<float>().ToArray().Should().OnlyContain(v => v == 1f);
    }

    [Fact]
    public void Settings_are_validated_compared_and_round_trip_through_json()
    {
        var preset = ImagePreprocessing.InkInvariantSignature(48, 96);
        ImagePreprocessing.FromJson(preset.ToJson()).Should().Be(preset);
        preset.ToJson().Should().Contain("\"InkNormalization\": \"OtsuBinarize\"").And.Contain("\"CropToInk\": true");
        preset.Should().NotBe(preset with { CropToInk = false });
        preset.Should().NotBe(preset with { InkNormalization = InkNormalization.None, CropToInk = false });

        FluentActions.Invoking(() => (preset with { ColorMode = ColorMode.Rgb }).Validate())
            .Should().Throw<ArgumentException>().WithParameterName("InkNormalization");
        FluentActions.Invoking(() => (preset with { BackgroundValue = 0.9f }).Validate())
            .Should().Throw<ArgumentException>().WithParameterName("InkNormalization");
        FluentActions.Invoking(() => new ImagePreprocessing { CropToInk = true }.Validate())
            .Should().Throw<ArgumentException>().WithParameterName("CropToInk");
        FluentActions.Invoking(() => new ImagePreprocessing { InkNormalization = (InkNormalization)9 })
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("InkNormalization");
        // A setting this version does not know is refused, not dropped (it would change what the model sees).
        FluentActions.Invoking(() => ImagePreprocessing.FromJson("{\"Width\": 20, \"InkSomething\": 1}"))
            .Should().Throw<ArgumentException>();
    }

    private static float[] Changed(string change, int seed)
    {
        var original = SyntheticInk.Signature(ScanWidth, ScanHeight, seed, ink: 0.3f);
        return SyntheticInk.Quantise(change switch
        {
            "gamma 0.5" => SyntheticInk.Gamma(original, 0.5),
            "gamma 2.2" => SyntheticInk.Gamma(original, 2.2),
            "stretch" => SyntheticInk.Stretch(original, 0.25f, 0.9f),
            "darker ink" => SyntheticInk.Signature(ScanWidth, ScanHeight, seed, ink: 0f),
            "lighter ink" => SyntheticInk.Signature(ScanWidth, ScanHeight, seed, ink: 0.55f),
            "grey paper" => SyntheticInk.Signature(ScanWidth, ScanHeight, seed, ink: 0.3f, paper: 0.8f),
            _ => throw new ArgumentOutOfRangeException(nameof(change), change, null),
        });
    }

    private static Tensor Scan(float[] image) => torch.tensor(image, [1, ScanHeight, ScanWidth]);

    private static double RelativeDifference(ImagePreprocessing preprocessing, float[] a, float[] b)
    {
        using var scope = torch.NewDisposeScope();
        var x = preprocessing.Apply(Scan(a));
        var y = preprocessing.Apply(Scan(b));
        return (x - y).norm().item<float>() / x.norm().item<float>();
    }
}
