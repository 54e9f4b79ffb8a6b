using System.ComponentModel;
using System.Globalization;
using Siamese.Net.Samples.Common.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Siamese.Net.Samples.SignatureVerification;

/// <summary>Command-line options of the signature verification sample.</summary>
public sealed class SignatureVerificationSettings : SampleSettings
{
    /// <summary>The <c>--loss</c> choices: two pair losses and three losses on writer labels (P x K batches).</summary>
    public static readonly string[] Losses = ["contrastive", "bce", "multi-similarity", "circle", "supcon"];

    [CommandOption("-d|--data <FOLDER>"), Description("Folder in the Kaggle sign_data layout: train/, train_data.csv and optionally test/, test_data.csv. Default: a generated set in the same layout under <output>/embedded-data.")]
    public string? Data { get; set; }

    [CommandOption("--encoder <NAME>"), Description("conv4 (compact CPU default), signet (SigNet with local response norm, the tutorial's) or signet-bn."), DefaultValue("conv4")]
    public string Encoder { get; set; } = "conv4";

    [CommandOption("--loss <NAME>"), Description("multi-similarity (default), circle or supcon on writer labels in P x K batches (a writer's genuine signatures and the forgeries of them are two classes), or on writer pairs contrastive (margin 2, the tutorials') or bce (Koch's learned head)."), DefaultValue("multi-similarity")]
    public string Loss { get; set; } = "multi-similarity";

    [CommandOption("--image-size <HxW>"), Description("Network input as HEIGHTxWIDTH (16-1024 each). Default: 48x96 for conv4 (32x64 on the embedded set), 105x105 for signet.")]
    public string? ImageSize { get; set; }

    [CommandOption("--ink <MODE>"), Description("binarize (Otsu binarisation, crop to the ink, area shrink: the network cannot see how dark the ink is), strokes (binarize, then thin every stroke and redraw it at one width: nor how broad the pen is) or raw (grey values, min-pool shrink: the old pipeline, which lets it see both)."), DefaultValue("binarize")]
    public string Ink { get; set; } = "binarize";

    [CommandOption("--batch-size <N>"), Description("Pairs per training step (images for the label losses: 8 classes x N/8)."), DefaultValue(32)]
    public int BatchSize { get; set; } = 32;

    [CommandOption("--pairs-per-epoch <N>"), Description("Training pairs per epoch, a fresh seeded draw each epoch. Default: 640 on the embedded set, 1280 on real data.")]
    public int? PairsPerEpoch { get; set; }

    [CommandOption("--no-augment"), Description("Train without the small random affine distortion (rotation, shear, scale, shift).")]
    public bool NoAugment { get; set; }

    /// <summary>The parsed input size, or null for the default.</summary>
    public (int Height, int Width)? ParsedImageSize =>
        ImageSize?.ToUpperInvariant().Split('X').Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v is >= 16 and <= 1024 ? v : -1).ToArray()
            is [> 0 and var h, > 0 and var w] ? (h, w) : null;

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        string? error = base.Validate() is { Successful: false } b ? b.Message
            : Encoder.ToUpperInvariant() is not ("CONV4" or "SIGNET" or "SIGNET-BN") ? $"--encoder must be conv4, signet or signet-bn (got '{Encoder}')."
            : !Losses.Contains(Loss, StringComparer.OrdinalIgnoreCase) ? $"--loss must be one of {string.Join(", ", Losses)} (got '{Loss}')."
            : Ink.ToUpperInvariant() is not ("BINARIZE" or "STROKES" or "RAW") ? $"--ink must be binarize, strokes or raw (got '{Ink}')."
            : ImageSize is not null && ParsedImageSize is null ? $"--image-size must be HEIGHTxWIDTH, each 16-1024 (got '{ImageSize}')."
            : BatchSize < 8 ? $"--batch-size must be at least 8 (got {BatchSize})."
            : PairsPerEpoch is < 1 ? $"--pairs-per-epoch must be positive (got {PairsPerEpoch})."
            : null;
        return error is null ? ValidationResult.Success() : ValidationResult.Error(error);
    }
}
