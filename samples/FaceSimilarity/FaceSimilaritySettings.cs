using System.ComponentModel;
using System.Globalization;
using Siamese.Net.Samples.Common.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace FaceSimilarity;

/// <summary>Command-line options of the face-similarity sample (the common ones come from <see cref="SampleSettings"/>).</summary>
public sealed class FaceSimilaritySettings : SampleSettings
{
    /// <summary>The AT&amp;T faces folder; null runs on generated faces.</summary>
    [CommandOption("-d|--data <ATT_FACES>"), Description("AT&T faces folder (s1..s40 with 1.pgm..10.pgm). Without it: generated faces in the same layout.")]
    public string? Data { get; set; }

    /// <summary>"unseen" (test s31-s40) or "tutorial" (test s38-s40).</summary>
    [CommandOption("--split <SPLIT>"), DefaultValue("unseen"), Description("unseen: the last 10 subjects are the test (10-way 1-shot); tutorial: the tutorial's last 3.")]
    public string Split { get; set; } = "unseen";

    /// <summary>Training subjects held out (subject-disjoint) to pick the best epoch and calibrate the threshold.</summary>
    [CommandOption("--validation-subjects <N>"), DefaultValue(4), Description("Subjects just before the test ones held out as validation (best epoch, threshold).")]
    public int ValidationSubjects { get; set; } = 4;

    /// <summary>The encoder.</summary>
    [CommandOption("--encoder <ENCODER>"), DefaultValue(EncoderChoice.Conv4), Description("conv4 (CPU default), facenet (the tutorial's FaceSimilarityNet) or smallcnn.")]
    public EncoderChoice Encoder { get; set; } = EncoderChoice.Conv4;

    /// <summary>The training loss.</summary>
    [CommandOption("--loss <LOSS>"), DefaultValue(LossChoice.Triplet),
     Description("triplet (default, batch-hard), cosface, arcface, subcenterarcface, proxyanchor, proxynca, normalizedsoftmax, multisimilarity, circle, supcon, ntxent, liftedstructure, prototypical, bce (Koch's pair head; scored by Euclidean distance) on P x K batches; contrastive (the tutorial's) on random pairs.")]
    public LossChoice Loss { get; set; } = LossChoice.Triplet;

    /// <summary>The triplet loss's miner.</summary>
    [CommandOption("--miner <MINER>"), DefaultValue(MinerChoice.BatchHard), Description("triplet only: batchhard (default), batchall, semihard, batcheasyhard, pairmargin, multisimilarity, tripletmarginhard, tripletmarginsemihard, tripletmargineasy, tripletmarginall.")]
    public MinerChoice Miner { get; set; } = MinerChoice.BatchHard;

    /// <summary>Network input size, "N" or "WxH"; null = the encoder's default.</summary>
    [CommandOption("--image-size <SIZE>"), Description("N or WIDTHxHEIGHT. Default 48x56 (conv4, smallcnn), 100 for facenet (56 on generated faces).")]
    public string? ImageSize { get; set; }

    /// <summary>Embedding size D; null = the encoder's default.</summary>
    [CommandOption("--embedding-size <D>"), Description("Output of a final Linear layer; 0 with conv4: the flattened feature map. Default: conv4 0 (576 values at 48x56), smallcnn 128, facenet 32.")]
    public int? EmbeddingSize { get; set; }

    /// <summary>Contrastive loss: random pairs per epoch.</summary>
    [CommandOption("--pairs-per-epoch <N>"), Description("Contrastive loss: random pairs per epoch, half same. Default 1920 real, 1280 generated.")]
    public int? PairsPerEpoch { get; set; }

    /// <summary>Contrastive loss: pairs per batch.</summary>
    [CommandOption("--batch-size <N>"), DefaultValue(64), Description("Contrastive loss: pairs per batch.")]
    public int BatchSize { get; set; } = 64;

    /// <summary>P: subjects per batch.</summary>
    [CommandOption("--subjects-per-batch <P>"), DefaultValue(16), Description("P x K losses: subjects per batch.")]
    public int SubjectsPerBatch { get; set; } = 16;

    /// <summary>K: images per subject in a batch.</summary>
    [CommandOption("--images-per-subject <K>"), DefaultValue(5), Description("P x K losses: images of each subject per batch.")]
    public int ImagesPerSubject { get; set; } = 5;

    /// <summary>P x K batches per epoch; null = the default for the data.</summary>
    [CommandOption("--batches-per-epoch <N>"), Description("P x K losses: batches per epoch. Default 20 real, 10 generated.")]
    public int? BatchesPerEpoch { get; set; }

    /// <summary>Adam learning rate; null = the loss's default.</summary>
    [CommandOption("--learning-rate <LR>"), Description("Adam learning rate. Default 5e-4 constant (contrastive), else 1e-3 with cosine decay.")]
    public double? LearningRate { get; set; }

    /// <summary>Adam (L2) weight decay; null = the loss's default.</summary>
    [CommandOption("--weight-decay <WD>"), Description("Adam weight decay. Default 0 (contrastive), else 5e-4.")]
    public double? WeightDecay { get; set; }

    /// <summary>The loss's margin; null = its default.</summary>
    [CommandOption("--margin <M>"), Description("Margin: contrastive 2, triplet 0.5, cosface 0.35, arcface 0.3, proxyanchor 0.1.")]
    public double? Margin { get; set; }

    /// <summary>Turns augmentation off (the tutorial had none).</summary>
    [CommandOption("--no-augment"), Description("Train without augmentation (default: rotation, scale, shift, shear, horizontal flip).")]
    public bool NoAugment { get; set; }

    /// <summary>One-shot episodes for the headline accuracy.</summary>
    [CommandOption("--episodes <N>"), DefaultValue(1000), Description("Random N-way 1-shot episodes on the test subjects (the baselines use the same ones).")]
    public int Episodes { get; set; } = 1000;

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var size = ImageSize is null ? null : ImageSizeText.Parse(ImageSize);
        string? error = base.Validate() is { Successful: false } common ? common.Message
            : Split?.Trim().ToUpperInvariant() is not ("UNSEEN" or "TUTORIAL") ? $"--split must be 'unseen' or 'tutorial' (got '{Split}')."
            : new[] { RequirePositive(ValidationSubjects, "--validation-subjects"), RequirePositive(PairsPerEpoch, "--pairs-per-epoch"), RequirePositive(BatchSize, "--batch-size"),
                      RequirePositive(BatchesPerEpoch, "--batches-per-epoch"), RequirePositive(Episodes, "--episodes") }.FirstOrDefault(r => !r.Successful)?.Message
            ?? (ImageSize is not null && (size is not { } s || s.Width is < 8 or > 512 || s.Height is < 8 or > 512) ? $"--image-size must be between 8 and 512, as N or WIDTHxHEIGHT (got '{ImageSize}')."
            : size is { } t && Encoder != EncoderChoice.FaceNet && (t.Width < 16 || t.Height < 16) ? $"--image-size must be at least 16x16 for conv4 and smallcnn, which pool the image (got '{ImageSize}')."
            : EmbeddingSize is < 0 || (EmbeddingSize == 0 && Encoder != EncoderChoice.Conv4) ? $"--embedding-size must be at least 1, or 0 (no projection) with conv4 (got {EmbeddingSize})."
            : SubjectsPerBatch < 2 || ImagesPerSubject < 2 ? $"--subjects-per-batch and --images-per-subject must be at least 2 (got {SubjectsPerBatch} and {ImagesPerSubject})."
            : LearningRate is double lr && !(lr > 0 && double.IsFinite(lr)) ? $"--learning-rate must be positive (got {lr})."
            : WeightDecay is double wd && !(wd >= 0 && double.IsFinite(wd)) ? $"--weight-decay must be 0 or more (got {wd})."
            : Margin is double m && !(m > 0 && double.IsFinite(m)) ? $"--margin must be positive (got {m})." : null);
        return error is null ? ValidationResult.Success() : ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"{error}"));
    }
}

/// <summary>The encoders the sample can train.</summary>
public enum EncoderChoice
{
    /// <summary><see cref="Siamese.Net.Encoders.Conv4Encoder"/>: the CPU default.</summary>
    Conv4,
    /// <summary><see cref="Siamese.Net.Encoders.FaceSimilarityNet"/>: the tutorial's network.</summary>
    FaceNet,
    /// <summary><see cref="Siamese.Net.Encoders.SmallCnn"/>.</summary>
    SmallCnn,
}

/// <summary>
/// The training losses the sample offers, each the <c>Siamese.Net.Losses</c> type of that name with the settings in
/// <see cref="FaceRecipe.CreateLoss"/>. All but <see cref="Contrastive"/> (the tutorial's, on balanced random pairs)
/// train on P x K batches of subject labels; <see cref="Bce"/> is Koch's learned pair head on the pairs of those batches.
/// </summary>
public enum LossChoice
{
    CosFace, ArcFace, SubCenterArcFace, ProxyAnchor, MultiSimilarity, SupCon, Triplet, Prototypical, Contrastive,
    Circle, NTXent, LiftedStructure, ProxyNca, NormalizedSoftmax, Bce,
}

/// <summary>The triplet loss's miners: the <c>Siamese.Net.Miners</c> type of that name; TripletMarginX is <c>TripletMarginMiner</c> with selection X.</summary>
public enum MinerChoice
{
    BatchHard, BatchAll, SemiHard, BatchEasyHard, PairMargin, MultiSimilarity, TripletMarginHard, TripletMarginSemiHard, TripletMarginEasy, TripletMarginAll,
}
