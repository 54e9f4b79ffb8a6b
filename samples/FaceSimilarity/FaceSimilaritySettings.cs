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
    [Description("Training subjects held out as validation (the last ones before the test subjects): they pick the best epoch and calibrate the threshold. Default 4.")]
    [DefaultValue(4)]
    public int ValidationSubjects { get; set; } = 4;

    /// <summary>The encoder; <see cref="EncoderChoice.Conv4"/> by default, <see cref="EncoderChoice.FaceNet"/> is the tutorial's.</summary>
    [CommandOption("--encoder <ENCODER>")]
    [Description("conv4 (default): four Conv-BN-ReLU-MaxPool blocks (Conv4Encoder), the CPU default; " +
                 "facenet: the tutorial's FaceSimilarityNet (3 un-pooled conv layers and an 80,000-wide fully connected layer at 100x100); " +
                 "smallcnn: the one-shot tutorial's SmallCnn (two 5x5 conv layers with pooling, three Linear layers).")]
    [DefaultValue(EncoderChoice.Conv4)]
    public EncoderChoice Encoder { get; set; } = EncoderChoice.Conv4;

    /// <summary>The training loss; <see cref="LossChoice.Triplet"/> by default, <see cref="LossChoice.Contrastive"/> is the tutorial's.</summary>
    [CommandOption("--loss <LOSS>")]
    [Description("triplet (default): batch-hard triplet loss on P x K batches, L2-normalised embeddings; " +
                 "prototypical: 1-shot prototypical loss on P x K batches, a rehearsal of the 1-shot test; contrastive: the tutorial's loss on random pairs.")]
    [DefaultValue(LossChoice.Triplet)]
    public LossChoice Loss { get; set; } = LossChoice.Triplet;

    /// <summary>Network input size, "N" (square) or "WxH"; null = the encoder's default.</summary>
    [CommandOption("--image-size <SIZE>")]
    [Description("Input size: N (square) or WIDTHxHEIGHT. Default: 48x56 for conv4 (the AT&T aspect, 92x112 halved), " +
                 "100 (100x100, the tutorial's) for facenet; generated faces: 48x56 and 56.")]
    public string? ImageSize { get; set; }

    /// <summary>Embedding size D; null = the encoder's default.</summary>
    [CommandOption("--embedding-size <D>")]
    [Description("Embedding size: the output of a final Linear layer; 0 with conv4: no Linear layer, the flattened feature map. Default: 0 for conv4 (576 values at 48x56), 128 for smallcnn, 32 for facenet (the tutorial uses 5).")]
    public int? EmbeddingSize { get; set; }

    /// <summary>Random pairs (half same, half different) per epoch, for the contrastive loss.</summary>
    [CommandOption("--pairs-per-epoch <N>")]
    [Description("Contrastive loss: random training pairs per epoch, half same and half different, fresh each epoch. Default: 1920 real, 1280 generated.")]
    public int? PairsPerEpoch { get; set; }

    /// <summary>Pairs per batch, for the contrastive loss.</summary>
    [CommandOption("--batch-size <N>")]
    [Description("Contrastive loss: pairs per batch (the tutorial's 64).")]
    [DefaultValue(64)]
    public int BatchSize { get; set; } = 64;

    /// <summary>P: subjects per batch, for the prototypical and triplet losses.</summary>
    [CommandOption("--subjects-per-batch <P>")]
    [Description("Prototypical / triplet loss: subjects per batch (P, at most the training subjects). Default 16.")]
    [DefaultValue(16)]
    public int SubjectsPerBatch { get; set; } = 16;

    /// <summary>K: images per subject in a batch, for the prototypical and triplet losses.</summary>
    [CommandOption("--images-per-subject <K>")]
    [Description("Prototypical / triplet loss: images of each subject per batch (K; prototypical: 1 support + K-1 queries). Default 5.")]
    [DefaultValue(5)]
    public int ImagesPerSubject { get; set; } = 5;

    /// <summary>P x K batches per epoch; null = the default for the data.</summary>
    [CommandOption("--batches-per-epoch <N>")]
    [Description("Prototypical / triplet loss: P x K batches per epoch. Default: 20 real, 10 generated.")]
    public int? BatchesPerEpoch { get; set; }

    /// <summary>Adam learning rate; null = 5e-4 for the contrastive loss (the tutorial's), 1e-3 otherwise.</summary>
    [CommandOption("--learning-rate <LR>")]
    [Description("Adam learning rate. Default: 5e-4 (the tutorial's) with the contrastive loss, constant; 1e-3 with cosine decay otherwise.")]
    public double? LearningRate { get; set; }

    /// <summary>Adam (L2) weight decay; null = 0 for the contrastive loss (the tutorial's), 5e-4 otherwise.</summary>
    [CommandOption("--weight-decay <WD>")]
    [Description("Adam weight decay (L2). Default: 0 (the tutorial's) with the contrastive loss, 5e-4 otherwise.")]
    public double? WeightDecay { get; set; }

    /// <summary>Contrastive or triplet margin; null = 2 for contrastive (the tutorial's), 0.5 for triplet.</summary>
    [CommandOption("--margin <M>")]
    [Description("Contrastive margin (default 2, the tutorial's) or triplet margin (default 0.5, on L2-normalised embeddings).")]
    public double? Margin { get; set; }

    /// <summary>Turns augmentation off (the tutorial had none).</summary>
    [CommandOption("--no-augment")]
    [Description("Train without augmentation, as the tutorial did. By default each training image gets a small random rotation, scale, shift and a horizontal flip.")]
    public bool NoAugment { get; set; }

    /// <summary>The number formats to train in: float32 or mixed (bfloat16 compute, float32 master weights).</summary>
    [CommandOption("--precision <PRECISION>")]
    [Description("float32 (default) or mixed: bfloat16 forward and backward with float32 master weights and optimizer state (TrainingPrecision.MixedBFloat16; fast on CPUs with AVX512-BF16 or AMX).")]
    [DefaultValue("float32")]
    public string Precision { get; set; } = "float32";

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

        if (Precision is not ("float32" or "mixed"))
        {
            return ValidationResult.Error($"--precision must be 'float32' or 'mixed' (got '{Precision}').");
        }

        if (Split?.Trim().ToUpperInvariant() is not ("UNSEEN" or "TUTORIAL"))
        {
            return ValidationResult.Error($"--split must be 'unseen' or 'tutorial' (got '{Split}').");
        }

        foreach (var check in new[]
        {
            RequirePositive(ValidationSubjects, "--validation-subjects"),
            RequirePositive(PairsPerEpoch, "--pairs-per-epoch"),
            RequirePositive(BatchSize, "--batch-size"),
            RequirePositive(BatchesPerEpoch, "--batches-per-epoch"),
            RequirePositive(Episodes, "--episodes"),
        })
        {
            if (!check.Successful)
            {
                return check;
            }
        }

        if (ImageSize is not null)
        {
            if (ParseImageSize(ImageSize) is not { } size || size.Width is < 8 or > 512 || size.Height is < 8 or > 512)
            {
                return ValidationResult.Error($"--image-size must be between 8 and 512, as N or WIDTHxHEIGHT (got '{ImageSize}').");
            }

            if (Encoder != EncoderChoice.FaceNet && (size.Width < 16 || size.Height < 16))
            {
                return ValidationResult.Error($"--image-size must be at least 16x16 for conv4 and smallcnn, which pool the image (got '{ImageSize}').");
            }
        }

        if (EmbeddingSize is < 0 || (EmbeddingSize == 0 && Encoder != EncoderChoice.Conv4))
        {
            return ValidationResult.Error(string.Create(CultureInfo.InvariantCulture,
                $"--embedding-size must be at least 1, or 0 (no projection) with conv4 (got {EmbeddingSize})."));
        }

        if (SubjectsPerBatch < 2 || ImagesPerSubject < 2)
        {
            return ValidationResult.Error(string.Create(CultureInfo.InvariantCulture,
                $"--subjects-per-batch and --images-per-subject must be at least 2 (got {SubjectsPerBatch} and {ImagesPerSubject})."));
        }

        if (LearningRate is double lr && !(lr > 0 && double.IsFinite(lr)))
        {
            return ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"--learning-rate must be positive (got {lr})."));
        }

        if (WeightDecay is double wd && !(wd >= 0 && double.IsFinite(wd)))
        {
            return ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"--weight-decay must be 0 or more (got {wd})."));
        }

        if (Margin is double m && !(m > 0 && double.IsFinite(m)))
        {
            return ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"--margin must be positive (got {m})."));
        }

        return ValidationResult.Success();
    }

    /// <summary>"56" → (56, 56), "48x56" → (48, 56) as (width, height); null when malformed.</summary>
    public static (int Width, int Height)? ParseImageSize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().ToUpperInvariant().Split('X');
        if (parts.Length is < 1 or > 2 || !parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return null;
        }

        int width = int.Parse(parts[0], CultureInfo.InvariantCulture);
        int height = parts.Length == 2 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : width;
        return (width, height);
    }
}

/// <summary>The encoders the sample can train.</summary>
public enum EncoderChoice
{
    /// <summary><see cref="Siamese.Net.Encoders.Conv4Encoder"/> (the flattened feature map unless an embedding size is given): the CPU default.</summary>
    Conv4,

    /// <summary><see cref="Siamese.Net.Encoders.FaceSimilarityNet"/>: the tutorial's network.</summary>
    FaceNet,

    /// <summary><see cref="Siamese.Net.Encoders.SmallCnn"/>: two 5x5 conv layers with pooling and three Linear layers.</summary>
    SmallCnn,
}

/// <summary>The training losses the sample offers.</summary>
public enum LossChoice
{
    /// <summary>Prototypical loss (1-shot prototypes) on P x K batches.</summary>
    Prototypical,

    /// <summary>Batch-hard triplet loss on P x K batches, L2-normalised embeddings: the default.</summary>
    Triplet,

    /// <summary>Contrastive loss on balanced random pairs: the tutorial's.</summary>
    Contrastive,
}
