using System.ComponentModel;
using System.Globalization;
using Siamese.Net.Samples.Common.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OmniglotOneShot;

/// <summary>Which network embeds the characters: Conv-4 at 28x28 as a metric embedding (CPU default), or Koch et al.'s network at 105x105 with its BCE head.</summary>
public enum EncoderChoice { Conv4, Koch }

/// <summary>
/// The Conv-4 loss on P x K batches: prototypical (Snell et al. 2017; first image of a class is the shot), triplet
/// (batch-hard), supervised contrastive (Khosla et al. 2020, t = 0.1), multi-similarity (Wang et al. 2019), ProxyAnchor
/// (Kim et al. 2020, a proxy per rotated class).
/// </summary>
public enum LossChoice { Prototypical, Triplet, SupCon, MultiSimilarity, ProxyAnchor }

/// <summary>Command-line options of the Omniglot sample.</summary>
public sealed class OmniglotSettings : SampleSettings
{
    [CommandOption("--train|--data <FOLDER>"), Description("Omniglot images_background (Alphabet/characterNN/*.png). Without it: generated glyphs in <output>/embedded-data.")]
    public string? Train { get; set; }
    [CommandOption("--runs <FOLDER>"), Description("Lake's 20-way one-shot runs (runNN/training, runNN/test, runNN/class_labels.txt). Then every --train alphabet is trained on. Without it: runs drawn from held-out alphabets.")]
    public string? Runs { get; set; }
    [CommandOption("--encoder <NAME>"), Description("conv4 (default: Conv-4 at 28x28, metric loss) or koch (Koch et al.'s network at 105x105 with a BCE head)."), DefaultValue(EncoderChoice.Conv4)]
    public EncoderChoice Encoder { get; set; } = EncoderChoice.Conv4;
    [CommandOption("--loss <NAME>"), Description("conv4 only: prototypical (default), triplet (batch-hard, --margin), supcon, multisimilarity or proxyanchor."), DefaultValue(LossChoice.Prototypical)]
    public LossChoice Loss { get; set; } = LossChoice.Prototypical;
    [CommandOption("--image-size <PIXELS>"), Description("Square input side. Default: 28 for conv4, 105 for koch (which needs 105).")]
    public int? ImageSize { get; set; }
    [CommandOption("--classes-per-batch <P>"), Description("Classes per training batch. Default: 60 (real data), 24 (embedded).")]
    public int? ClassesPerBatch { get; set; }
    [CommandOption("--images-per-class <M>"), Description("Images per class in a training batch (prototypical: the first is the shot, the rest are queries)."), DefaultValue(5)]
    public int ImagesPerClass { get; set; } = 5;
    [CommandOption("--steps-per-epoch <STEPS>"), Description("Training batches per epoch. Default: 250 (real data), 20 (embedded).")]
    public int? StepsPerEpoch { get; set; }
    [CommandOption("--rotations <BOOL>"), Description("Add each character rotated by 90, 180 and 270 degrees as three new classes (x4 training classes)."), DefaultValue(true)]
    public bool Rotations { get; set; } = true;
    [CommandOption("--shift <PIXELS>"), Description("Largest random translation of training images (conv4). Default 0."), DefaultValue(0)]
    public int Shift { get; set; }
    [CommandOption("--lr <RATE>"), Description("Adam learning rate, cosine-annealed to 1% of it. Default: 1e-3 (conv4), 6e-5 (koch).")]
    public double? LearningRate { get; set; }
    [CommandOption("--margin <MARGIN>"), Description("Margin of the triplet loss (--loss triplet)."), DefaultValue(0.5)]
    public double Margin { get; set; } = 0.5;
    [CommandOption("--test-alphabets <N>"), Description("Without --runs: alphabets held out (seeded) for the final test. Default: 5 (real), 2 (embedded).")]
    public int? TestAlphabets { get; set; }
    [CommandOption("--validation-alphabets <N>"), Description("Alphabets held out for validation. Default 0: validate on held-out characters (1 in 10) of the training alphabets, so every alphabet is trained on.")]
    public int? ValidationAlphabets { get; set; }
    [CommandOption("--test-runs <N>"), Description("Without --runs: within-alphabet runs drawn from the held-out test alphabets, and as many random episodes; also bounds the validation runs (at most 200)."), DefaultValue(400)]
    public int TestRuns { get; set; } = 400;
    [CommandOption("--ways <N>"), Description("Classes per one-shot run (Lake: 20). With --runs the runs decide."), DefaultValue(20)]
    public int Ways { get; set; } = 20;
    public int EffectiveImageSize => ImageSize ?? (Encoder == EncoderChoice.Koch ? 105 : 28);

    public override ValidationResult Validate()
    {
        var common = base.Validate();
        string? error = !common.Successful ? null
            : ClassesPerBatch is < 2 ? $"--classes-per-batch must be at least 2 (got {ClassesPerBatch})."
            : StepsPerEpoch is < 1 ? $"--steps-per-epoch must be at least 1 (got {StepsPerEpoch})."
            : TestRuns < 1 ? $"--test-runs must be at least 1 (got {TestRuns})."
            : ImagesPerClass < 2 ? $"--images-per-class must be at least 2 (got {ImagesPerClass}): one shot and at least one query."
            : Ways < 2 ? $"--ways must be at least 2 (got {Ways})."
            : ImageSize is < 16 ? $"--image-size must be at least 16 (got {ImageSize})."
            : Encoder == EncoderChoice.Koch && ImageSize is not null and not 105 ? $"--encoder koch needs --image-size 105 (got {ImageSize})."
            : Shift is < 0 or > 16 ? $"--shift must be in [0, 16] (got {Shift})."
            : LearningRate is double lr && (!double.IsFinite(lr) || lr <= 0) ? $"--lr must be positive (got {LearningRate})."
            : !double.IsFinite(Margin) || Margin <= 0 ? $"--margin must be positive (got {Margin})."
            : TestAlphabets is < 1 ? $"--test-alphabets must be at least 1 (got {TestAlphabets})."
            : ValidationAlphabets is < 0 ? $"--validation-alphabets must not be negative (got {ValidationAlphabets})."
            : null;
        return !common.Successful ? common
            : error is null ? ValidationResult.Success()
            : ValidationResult.Error(string.Format(CultureInfo.InvariantCulture, "{0}", error));
    }
}
