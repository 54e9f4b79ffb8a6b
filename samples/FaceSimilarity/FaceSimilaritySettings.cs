using System.ComponentModel;
using System.Globalization;
using Siamese.Net.Samples.Common.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace FaceSimilarity;

/// <summary>Command-line options of the face-similarity sample (the common ones come from <see cref="SampleSettings"/>).</summary>
public sealed class FaceSimilaritySettings : SampleSettings
{
    /// <summary>The AT&amp;T faces folder (<c>sN/K.pgm</c>); null runs on generated faces.</summary>
    [CommandOption("-d|--data <ATT_FACES>")]
    [Description("AT&T faces folder (s1..s40 with 1.pgm..10.pgm). Without it: generated faces in the same layout.")]
    public string? Data { get; set; }

    /// <summary>Which subjects are held out for the test.</summary>
    [CommandOption("--split <SPLIT>")]
    [Description("unseen (default): the last 10 subjects (s31-s40) are the test, never trained on (10-way 1-shot); " +
                 "tutorial: the tutorial's test subjects s38-s40 (3-way 1-shot). Validation subjects come from the others.")]
    [DefaultValue("unseen")]
    public string Split { get; set; } = "unseen";

    /// <summary><see cref="Split"/> parsed; valid after <see cref="Validate"/> succeeded.</summary>
    public FaceSplitKind SplitKind => string.Equals(Split.Trim(), "tutorial", StringComparison.OrdinalIgnoreCase) ? FaceSplitKind.Tutorial : FaceSplitKind.Unseen;

    /// <summary>Training subjects held out (subject-disjoint) for model selection and threshold calibration.</summary>
    [CommandOption("--validation-subjects <N>")]
    [Description("Training subjects held out as validation (the last ones before the test subjects): they pick the best epoch and calibrate the threshold. Default 5.")]
    [DefaultValue(5)]
    public int ValidationSubjects { get; set; } = 5;

    /// <summary>Side of the square network input.</summary>
    [CommandOption("--image-size <PIXELS>")]
    [Description("Images are resized to this square size (the tutorial's 100). Default: 100 for real data, 56 for the generated faces.")]
    public int? ImageSize { get; set; }

    /// <summary>Embedding size D of FaceSimilarityNet's last layer.</summary>
    [CommandOption("--embedding-size <D>")]
    [Description("Output size of FaceSimilarityNet's last layer (the tutorial uses 5). Default 32.")]
    [DefaultValue(32)]
    public int EmbeddingSize { get; set; } = 32;

    /// <summary>Random pairs (half same, half different) per epoch.</summary>
    [CommandOption("--pairs-per-epoch <N>")]
    [Description("Random training pairs per epoch, half same and half different, fresh each epoch. Default: 1920 real, 1280 generated.")]
    public int? PairsPerEpoch { get; set; }

    /// <summary>Pairs per batch.</summary>
    [CommandOption("--batch-size <N>")]
    [Description("Pairs per batch (the tutorial's 64).")]
    [DefaultValue(64)]
    public int BatchSize { get; set; } = 64;

    /// <summary>Adam learning rate.</summary>
    [CommandOption("--learning-rate <LR>")]
    [Description("Adam learning rate (the tutorial's 5e-4).")]
    [DefaultValue(5e-4)]
    public double LearningRate { get; set; } = 5e-4;

    /// <summary>Contrastive-loss margin.</summary>
    [CommandOption("--margin <M>")]
    [Description("Contrastive-loss margin (the tutorial's 2).")]
    [DefaultValue(2.0)]
    public double Margin { get; set; } = 2.0;

    /// <summary>Turns augmentation off (the tutorial had none).</summary>
    [CommandOption("--no-augment")]
    [Description("Train without augmentation, as the tutorial did. By default each training image gets a small random rotation, scale, shift and a horizontal flip.")]
    public bool NoAugment { get; set; }

    /// <summary>One-shot episodes for the headline accuracy.</summary>
    [CommandOption("--episodes <N>")]
    [Description("N-way 1-shot episodes on the test subjects: each draws one support image per subject and classifies all the others. Default 1000.")]
    [DefaultValue(1000)]
    public int Episodes { get; set; } = 1000;

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var common = base.Validate();
        if (!common.Successful)
        {
            return common;
        }

        if (Split?.Trim().ToUpperInvariant() is not ("UNSEEN" or "TUTORIAL"))
        {
            return ValidationResult.Error($"--split must be 'unseen' or 'tutorial' (got '{Split}').");
        }

        foreach (var check in new[]
        {
            RequirePositive(ValidationSubjects, "--validation-subjects"),
            RequirePositive(EmbeddingSize, "--embedding-size"),
            RequirePositive(PairsPerEpoch, "--pairs-per-epoch"),
            RequirePositive(BatchSize, "--batch-size"),
            RequirePositive(Episodes, "--episodes"),
        })
        {
            if (!check.Successful)
            {
                return check;
            }
        }

        if (ImageSize is < 8 or > 512)
        {
            return ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"--image-size must be between 8 and 512 (got {ImageSize})."));
        }

        if (!(LearningRate > 0 && double.IsFinite(LearningRate)))
        {
            return ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"--learning-rate must be positive (got {LearningRate})."));
        }

        if (!(Margin > 0 && double.IsFinite(Margin)))
        {
            return ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"--margin must be positive (got {Margin})."));
        }

        return ValidationResult.Success();
    }
}
