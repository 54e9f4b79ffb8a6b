using Siamese.Net.Losses;
using Siamese.Net.Miners;
using Siamese.Net.Samples.Common.Cli;

namespace FaceSimilarity;

/// <summary>
/// The training setting of one run: the options with every default resolved for the encoder, loss and data. Sizes are
/// the network input's; <c>EmbeddingSize</c> 0 means no final Linear layer (conv4: the flattened feature map);
/// <c>Margin</c> is the loss's (unused by prototypical, multi-similarity and supcon); <c>Miner</c> picks the triplet
/// loss's tuples; <c>PairsPerEpoch</c> and <c>BatchSize</c> are the contrastive loss's random pairs, the last three
/// the P x K batches of every other loss.
/// </summary>
public sealed record FaceRecipe(EncoderChoice Encoder, LossChoice Loss, int Width, int Height, int EmbeddingSize, int Epochs, double LearningRate,
    double WeightDecay, double Margin, MinerChoice Miner, int PairsPerEpoch, int BatchSize, int SubjectsPerBatch, int ImagesPerSubject, int BatchesPerEpoch)
{
    /// <summary>True for the tutorial's loss on random pairs (constant learning rate, validation on pairs).</summary>
    public bool Pairs => Loss == LossChoice.Contrastive;

    /// <summary>Resolves the defaults of <paramref name="settings"/> for real (<paramref name="embedded"/> false) or generated faces.</summary>
    public static FaceRecipe From(FaceSimilaritySettings settings, bool embedded)
    {
        ArgumentNullException.ThrowIfNull(settings);
        bool pairs = settings.Loss == LossChoice.Contrastive;
        (int Width, int Height) size = settings.ImageSize is { } text ? ImageSizeText.Parse(text) ?? throw new ArgumentException($"--image-size '{text}' is malformed.", nameof(settings))
            : settings.Encoder != EncoderChoice.FaceNet ? (48, 56) : embedded ? (56, 56) : (100, 100);
        double margin = settings.Loss switch { LossChoice.Contrastive => 2.0, LossChoice.CosFace => 0.35, LossChoice.ArcFace or LossChoice.SubCenterArcFace => 0.3, LossChoice.ProxyAnchor => 0.1, LossChoice.Circle => 0.25, _ => 0.5 };
        return new FaceRecipe(settings.Encoder, settings.Loss, size.Width, size.Height,
            settings.EmbeddingSize ?? settings.Encoder switch { EncoderChoice.Conv4 => 0, EncoderChoice.SmallCnn => 128, _ => 32 },
            settings.EpochsOr(pairs ? (embedded ? 4 : 12) : (embedded ? 8 : 30)),
            settings.LearningRate ?? (pairs ? 5e-4 : 1e-3), settings.WeightDecay ?? (pairs ? 0 : 5e-4), settings.Margin ?? margin, settings.Miner,
            settings.PairsPerEpoch ?? (embedded ? 1280 : 1920), settings.BatchSize, settings.SubjectsPerBatch, settings.ImagesPerSubject,
            settings.BatchesPerEpoch ?? (embedded ? 10 : 20));
    }

    /// <summary>
    /// The recipe's loss for <paramref name="classes"/> training subjects and embeddings of size <paramref name="embeddingSize"/>.
    /// The classification losses use scale 30 (not the papers' 64, sized for thousands of identities; 30 keeps the
    /// softmax from saturating on a few dozen).
    /// </summary>
    public MetricLoss CreateLoss(int classes, int embeddingSize) => Loss switch
    {
        LossChoice.CosFace => new CosFaceLoss(classes, embeddingSize, scale: 30, margin: Margin),
        LossChoice.ArcFace => new ArcFaceLoss(classes, embeddingSize, scale: 30, margin: Margin),
        LossChoice.SubCenterArcFace => new SubCenterArcFaceLoss(classes, embeddingSize, subCenters: 3, scale: 30, margin: Margin),
        LossChoice.ProxyAnchor => new ProxyAnchorLoss(classes, embeddingSize, margin: Margin),
        LossChoice.MultiSimilarity => new MultiSimilarityLoss(miner: new MultiSimilarityMiner()),
        LossChoice.SupCon => new SupervisedContrastiveLoss(temperature: 0.1),
        LossChoice.Triplet => new TripletMarginLoss(Margin, Miner switch
        {
            MinerChoice.BatchAll => new BatchAllTripletMiner(margin: Margin),
            MinerChoice.SemiHard => new SemiHardTripletMiner(Margin),
            MinerChoice.BatchEasyHard => new BatchEasyHardMiner(),
            MinerChoice.PairMargin => new PairMarginMiner(positiveMargin: 0.2, negativeMargin: 0.8), // pytorch-metric-learning's defaults for unit-length embeddings
            MinerChoice.MultiSimilarity => new MultiSimilarityMiner(),
            MinerChoice.TripletMarginHard or MinerChoice.TripletMarginSemiHard or MinerChoice.TripletMarginEasy or MinerChoice.TripletMarginAll =>
                new TripletMarginMiner(Margin, Enum.Parse<TripletSelection>(Miner.ToString()["TripletMargin".Length..])),
            _ => new BatchHardTripletMiner(),
        }),
        LossChoice.Prototypical => new PrototypicalLoss(shots: 1),
        LossChoice.Circle => new CircleLoss(margin: Margin, gamma: 80),
        LossChoice.NTXent => new NTXentLoss(temperature: 0.1),
        LossChoice.LiftedStructure => new LiftedStructureLoss(negativeMargin: 1.0),
        LossChoice.ProxyNca => new ProxyNcaLoss(classes, embeddingSize),
        LossChoice.NormalizedSoftmax => new NormalizedSoftmaxLoss(classes, embeddingSize),
        LossChoice.Bce => new BceHeadLoss(embeddingSize),
        _ => new ContrastiveLoss(margin: Margin),
    };

    /// <summary>One line describing the setting, for the console (SampleHost runs in the invariant culture).</summary>
    public string Describe() =>
        $"{Encoder switch { EncoderChoice.Conv4 => "Conv4Encoder", EncoderChoice.SmallCnn => "SmallCnn", _ => "FaceSimilarityNet" }} {Width}x{Height} → {(EmbeddingSize == 0 ? "flattened feature map" : EmbeddingSize)}, " +
        (Pairs ? $"contrastive loss (margin {Margin}), {PairsPerEpoch} random pairs (half same) per epoch in batches of {BatchSize}, Adam {LearningRate} (constant)"
            : $"{Loss switch { LossChoice.Triplet => $"triplet ({Miner} miner)", LossChoice.Prototypical => "1-shot prototypical", _ => Loss }} loss (margin {Margin}), " +
              $"{BatchesPerEpoch} batches of {SubjectsPerBatch} subjects x {ImagesPerSubject} images per epoch, Adam {LearningRate} (cosine decay)") + $", weight decay {WeightDecay}, {Epochs} epochs";
}
