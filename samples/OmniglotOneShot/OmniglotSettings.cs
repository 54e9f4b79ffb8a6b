using System.ComponentModel;
using System.Globalization;
using Siamese.Net.Samples.Common.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OmniglotOneShot;

/// <summary>Which network embeds the characters.</summary>
public enum EncoderChoice
{
    /// <summary>Conv-4 (64 filters, 4 blocks) at 28x28, trained as a metric embedding: the CPU default.</summary>
    Conv4,

    /// <summary>Koch et al.'s Siamese network at 105x105 with the L1-weighted logistic head (BCE on pairs).</summary>
    Koch,
}

/// <summary>The metric-learning objective for <see cref="EncoderChoice.Conv4"/>.</summary>
public enum LossChoice
{
    /// <summary>Prototypical loss on M-per-class batches (1-shot prototypes, the rest as queries).</summary>
    Prototypical,

    /// <summary>Triplet margin loss with batch-hard mining on M-per-class batches.</summary>
    Triplet,
}

/// <summary>Command-line options of the Omniglot sample.</summary>
public sealed class OmniglotSettings : SampleSettings
{
    /// <summary>The background set: <c>Alphabet/characterNN/*.png</c>. Null = generated glyphs.</summary>
    [CommandOption("--train <FOLDER>")]
    [Description("Omniglot images_background (Alphabet/characterNN/*.png). Without it: generated glyphs in <output>/embedded-data.")]
    public string? Train { get; set; }

    /// <summary>Lake's one-shot runs (<c>runNN/training</c>, <c>runNN/test</c>, <c>class_labels.txt</c>).</summary>
    [CommandOption("--runs <FOLDER>")]
    [Description("Lake's 20-way one-shot runs (runNN/training, runNN/test, runNN/class_labels.txt). Without it: runs drawn from held-out alphabets.")]
    public string? Runs { get; set; }

    /// <summary>The encoder.</summary>
    [CommandOption("--encoder <NAME>")]
    [Description("conv4 (default: Conv-4 at 28x28, metric loss) or koch (Koch et al.'s network at 105x105 with a BCE head, the tutorial's setting).")]
    [DefaultValue(EncoderChoice.Conv4)]
    public EncoderChoice Encoder { get; set; } = EncoderChoice.Conv4;

    /// <summary>The metric loss of the Conv-4 encoder.</summary>
    [CommandOption("--loss <NAME>")]
    [Description("conv4 only: prototypical (default) or triplet (batch-hard, margin --margin).")]
    [DefaultValue(LossChoice.Prototypical)]
    public LossChoice Loss { get; set; } = LossChoice.Prototypical;

    /// <summary>Input side in pixels; null = 28 for conv4, 105 for koch.</summary>
    [CommandOption("--image-size <PIXELS>")]
    [Description("Square input side. Default: 28 for conv4, 105 for koch (which needs 105).")]
    public int? ImageSize { get; set; }

    /// <summary>Classes per training batch (P); null = the default for the data in use.</summary>
    [CommandOption("--classes-per-batch <P>")]
    [Description("Classes per training batch. Default: 60 (real data), 24 (embedded).")]
    public int? ClassesPerBatch { get; set; }

    /// <summary>Images per class in a training batch (M).</summary>
    [CommandOption("--images-per-class <M>")]
    [Description("Images per class in a training batch (the first is the prototype's shot, the rest are queries).")]
    [DefaultValue(5)]
    public int ImagesPerClass { get; set; } = 5;

    /// <summary>Training steps per epoch; null = the default for the data in use.</summary>
    [CommandOption("--steps-per-epoch <STEPS>")]
    [Description("Training batches per epoch. Default: 100 (real data), 20 (embedded).")]
    public int? StepsPerEpoch { get; set; }

    /// <summary>Whether rotated characters count as new classes.</summary>
    [CommandOption("--rotations <BOOL>")]
    [Description("Add each character rotated by 90, 180 and 270 degrees as three new classes (x4 training classes).")]
    [DefaultValue(true)]
    public bool Rotations { get; set; } = true;

    /// <summary>Learning rate.</summary>
    [CommandOption("--lr <RATE>")]
    [Description("Adam learning rate, cosine-annealed to 1% of it. Default: 1e-3 (conv4), 6e-5 (koch).")]
    public double? LearningRate { get; set; }

    /// <summary>Triplet margin.</summary>
    [CommandOption("--margin <MARGIN>")]
    [Description("Margin of the triplet loss (--loss triplet).")]
    [DefaultValue(0.5)]
    public double Margin { get; set; } = 0.5;

    /// <summary>Alphabets held out for the final test when no runs are given.</summary>
    [CommandOption("--test-alphabets <N>")]
    [Description("Without --runs: alphabets held out (seeded) for the final 20-way test. Default: 5 (real), 2 (embedded).")]
    public int? TestAlphabets { get; set; }

    /// <summary>Alphabets held out for validation (best epoch).</summary>
    [CommandOption("--validation-alphabets <N>")]
    [Description("Alphabets held out (seeded) for validation and choosing the best epoch. Default: 2 (real), 1 (embedded).")]
    public int? ValidationAlphabets { get; set; }

    /// <summary>Test runs drawn from the held-out alphabets.</summary>
    [CommandOption("--test-runs <N>")]
    [Description("Without --runs: number of 20-way runs drawn from the held-out test alphabets.")]
    [DefaultValue(400)]
    public int TestRuns { get; set; } = 400;

    /// <summary>Classes per run.</summary>
    [CommandOption("--ways <N>")]
    [Description("Classes per one-shot run (Lake: 20). With --runs the runs decide.")]
    [DefaultValue(20)]
    public int Ways { get; set; } = 20;

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var common = base.Validate();
        if (!common.Successful)
        {
            return common;
        }

        foreach (var (value, name) in new (int? Value, string Name)[]
                 {
                     (ClassesPerBatch, "--classes-per-batch"), (StepsPerEpoch, "--steps-per-epoch"), (TestRuns, "--test-runs"),
                 })
        {
            var r = RequirePositive(value, name);
            if (!r.Successful)
            {
                return r;
            }
        }

        if (ClassesPerBatch is < 2)
        {
            return Error($"--classes-per-batch must be at least 2 (got {ClassesPerBatch}).");
        }

        if (ImagesPerClass < 2)
        {
            return Error($"--images-per-class must be at least 2 (got {ImagesPerClass}): one shot and at least one query.");
        }

        if (Ways < 2)
        {
            return Error($"--ways must be at least 2 (got {Ways}).");
        }

        if (ImageSize is < 16)
        {
            return Error($"--image-size must be at least 16 (got {ImageSize}).");
        }

        if (Encoder == EncoderChoice.Koch && ImageSize is not null and not 105)
        {
            return Error($"--encoder koch needs --image-size 105 (got {ImageSize}).");
        }

        if (LearningRate is double lr && (!double.IsFinite(lr) || lr <= 0))
        {
            return Error($"--lr must be positive (got {LearningRate}).");
        }

        if (!double.IsFinite(Margin) || Margin <= 0)
        {
            return Error($"--margin must be positive (got {Margin}).");
        }

        if (TestAlphabets is < 1 || ValidationAlphabets is < 1)
        {
            return Error($"--test-alphabets and --validation-alphabets must be at least 1 (got {TestAlphabets}, {ValidationAlphabets}).");
        }

        return ValidationResult.Success();
    }

    /// <summary>The input side in use.</summary>
    public int EffectiveImageSize => ImageSize ?? (Encoder == EncoderChoice.Koch ? 105 : 28);

    private static ValidationResult Error(FormattableString message) =>
        ValidationResult.Error(message.ToString(CultureInfo.InvariantCulture));
}
