using System.ComponentModel;
using System.Globalization;
using Siamese.Net.Imaging;
using Siamese.Net.Samples.Common.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Siamese.Net.Samples.SignatureVerification;

/// <summary>Command-line options of the signature verification sample.</summary>
public sealed class SignatureVerificationSettings : SampleSettings
{
    /// <summary>Folder in the sign_data layout; null = the generated embedded set.</summary>
    [CommandOption("-d|--data <FOLDER>")]
    [Description("Folder in the Kaggle sign_data layout: train/, train_data.csv and optionally test/, test_data.csv. "
        + "Default: a generated set in the same layout under <output>/embedded-data.")]
    public string? Data { get; set; }

    /// <summary>Encoder: conv4 (CPU default), signet (the tutorial's) or signet-bn (the second tutorial's).</summary>
    [CommandOption("--encoder <NAME>")]
    [Description("conv4 (compact CPU default), signet (SigNet with local response norm, the tutorial's network) or "
        + "signet-bn (the batch-norm SigNet of the second tutorial).")]
    [DefaultValue("conv4")]
    public string Encoder { get; set; } = "conv4";

    /// <summary>Input size HxW (or one number for a square); null = the encoder's default.</summary>
    [CommandOption("--image-size <HxW>")]
    [Description("Network input as HEIGHTxWIDTH (e.g. 80x160, 105x105, 155x220) or one number for a square. "
        + "Default: 80x160 for conv4 (32x64 on the embedded set), 105x105 for signet.")]
    public string? ImageSize { get; set; }

    /// <summary>Pairs per training step.</summary>
    [CommandOption("--batch-size <N>")]
    [Description("Pairs per training step.")]
    [DefaultValue(32)]
    public int BatchSize { get; set; } = 32;

    /// <summary>Training pairs drawn per epoch; null = the sample's default for the data.</summary>
    [CommandOption("--pairs-per-epoch <N>")]
    [Description("Training pairs per epoch, a fresh seeded draw from the training writers' pairs each epoch. "
        + "Default: 640 on the embedded set, 3200 on real data (so that validation and keep-best run often).")]
    public int? PairsPerEpoch { get; set; }

    /// <summary>Adam learning rate.</summary>
    [CommandOption("--learning-rate <LR>")]
    [Description("Adam learning rate.")]
    [DefaultValue(1e-3)]
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>Contrastive loss margin.</summary>
    [CommandOption("--margin <M>")]
    [Description("Contrastive loss margin (the tutorials use 2 with raw embeddings).")]
    [DefaultValue(2.0)]
    public double Margin { get; set; } = 2.0;

    /// <summary>Fraction of the training writers held out for validation (threshold calibration, keep-best).</summary>
    [CommandOption("--validation-writers <FRACTION>")]
    [Description("Fraction of the training writers held out for validation (keep-best and threshold calibration).")]
    [DefaultValue(0.15)]
    public double ValidationWriters { get; set; } = 0.15;

    /// <summary>Fraction of the writers held out for testing when the data has no test/ folder.</summary>
    [CommandOption("--test-writers <FRACTION>")]
    [Description("Fraction of writers held out for testing when the data has no test/ folder.")]
    [DefaultValue(0.2)]
    public double TestWriters { get; set; } = 0.2;

    /// <summary>Early stopping patience in epochs (on validation EER).</summary>
    [CommandOption("--patience <EPOCHS>")]
    [Description("Stop when the validation EER has not improved for this many epochs.")]
    [DefaultValue(6)]
    public int Patience { get; set; } = 6;

    /// <summary>How scans are shrunk to the input size: minpool (keep the darkest pixel of each cell) or area (average).</summary>
    [CommandOption("--resize <MODE>")]
    [Description("How a scan is shrunk to the input size: minpool (each pixel keeps the darkest value of its cell, so thin "
        + "strokes keep their width and darkness), area (averaging, which fades strokes thinner than a cell) or bilinear "
        + "(the tutorials' transforms.Resize). Default: minpool on real data, area on the generated set (whose paper "
        + "noise min pooling would darken).")]
    public string? Resize { get; set; }

    /// <summary>The parsed <see cref="Resize"/>, or the default for real (<c>embedded</c> false) or generated data.</summary>
    public ResizeMode ParsedResize(bool embedded) => Resize?.ToUpperInvariant() switch
    {
        "AREA" => ResizeMode.Area,
        "BILINEAR" => ResizeMode.Bilinear,
        "MINPOOL" => ResizeMode.MinPool,
        _ => embedded ? ResizeMode.Area : ResizeMode.MinPool,
    };

    /// <summary>Share of training pairs taken from the CSV; the rest are made from the training writers' folders.</summary>
    [CommandOption("--csv-share <FRACTION>")]
    [Description("Share of training pairs drawn from train_data.csv; the rest are made from the training writers' folders "
        + "(genuine-genuine, genuine-forgery of the same writer, genuine of another writer). 1 = the CSV pairs only, as the tutorials.")]
    [DefaultValue(0.5)]
    public double CsvShare { get; set; } = 0.5;

    /// <summary>Share of folder-made different pairs that pair a genuine signature with another writer's.</summary>
    [CommandOption("--other-writer-share <FRACTION>")]
    [Description("Among the different pairs made from the folders, the share that pairs a genuine signature with another "
        + "writer's genuine signature instead of a skilled forgery of the same writer.")]
    [DefaultValue(0.25)]
    public double OtherWriterShare { get; set; } = 0.25;

    /// <summary>Turns off the small random affine distortion of training images.</summary>
    [CommandOption("--no-augment")]
    [Description("Train without the small random affine distortion (rotation, shear, scale, shift).")]
    public bool NoAugment { get; set; }

    /// <summary>The parsed input size, or null for the encoder's default.</summary>
    public (int Height, int Width)? ParsedImageSize => ImageSize is null ? null : ParseSize(ImageSize);

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var baseResult = base.Validate();
        if (!baseResult.Successful)
        {
            return baseResult;
        }

        if (!EncoderFactory.Names.Contains(Encoder, StringComparer.OrdinalIgnoreCase))
        {
            return ValidationResult.Error($"--encoder must be one of {string.Join(", ", EncoderFactory.Names)} (got '{Encoder}').");
        }

        if (Resize is not null && Resize.ToUpperInvariant() is not ("AREA" or "MINPOOL" or "BILINEAR"))
        {
            return ValidationResult.Error($"--resize must be minpool, area or bilinear (got '{Resize}').");
        }

        if (ImageSize is not null && ParseSize(ImageSize) is null)
        {
            return ValidationResult.Error($"--image-size must be HEIGHTxWIDTH or one number, each 16-1024 (got '{ImageSize}').");
        }

        foreach (var check in new[]
        {
            RequirePositive(BatchSize, "--batch-size"),
            RequirePositive(PairsPerEpoch, "--pairs-per-epoch"),
            RequirePositive(Patience, "--patience"),
            RequireFraction(ValidationWriters, "--validation-writers"),
            RequireFraction(TestWriters, "--test-writers"),
            RequireShare(CsvShare, "--csv-share"),
            RequireShare(OtherWriterShare, "--other-writer-share"),
        })
        {
            if (!check.Successful)
            {
                return check;
            }
        }

        if (!double.IsFinite(LearningRate) || LearningRate <= 0)
        {
            return ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"--learning-rate must be positive (got {LearningRate})."));
        }

        if (!double.IsFinite(Margin) || Margin <= 0)
        {
            return ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"--margin must be positive (got {Margin})."));
        }

        return ValidationResult.Success();
    }

    private static ValidationResult RequireShare(double value, string option) =>
        double.IsFinite(value) && value is >= 0 and <= 1
            ? ValidationResult.Success()
            : ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"{option} must be between 0 and 1 (got {value})."));

    private static (int Height, int Width)? ParseSize(string text)
    {
        string[] parts = text.Trim().ToUpperInvariant().Split('X');
        if (parts.Length is < 1 or > 2)
        {
            return null;
        }

        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] is < 16 or > 1024)
            {
                return null;
            }
        }

        return values.Length == 1 ? (values[0], values[0]) : (values[0], values[1]);
    }
}
