using System.Globalization;

namespace FaceSimilarity;

/// <summary>
/// The training setting of one run: the command-line options with every default resolved for the encoder, the loss
/// and the data (real AT&amp;T faces or the generated ones).
/// </summary>
/// <param name="Encoder">The encoder.</param>
/// <param name="Loss">The loss.</param>
/// <param name="Width">Network input width.</param>
/// <param name="Height">Network input height.</param>
/// <param name="EmbeddingSize">Embedding size D of a final Linear layer; 0 = none (conv4: the flattened feature map).</param>
/// <param name="Epochs">Epochs.</param>
/// <param name="LearningRate">Initial Adam learning rate.</param>
/// <param name="WeightDecay">Adam (L2) weight decay.</param>
/// <param name="Cosine">Cosine decay of the learning rate to 1 % over the epochs (else constant).</param>
/// <param name="Margin">Contrastive or triplet margin (unused by the prototypical loss).</param>
/// <param name="PairsPerEpoch">Contrastive loss: random pairs per epoch.</param>
/// <param name="BatchSize">Contrastive loss: pairs per batch.</param>
/// <param name="SubjectsPerBatch">Prototypical / triplet: P.</param>
/// <param name="ImagesPerSubject">Prototypical / triplet: K.</param>
/// <param name="BatchesPerEpoch">Prototypical / triplet: P x K batches per epoch.</param>
public sealed record FaceRecipe(
    EncoderChoice Encoder,
    LossChoice Loss,
    int Width,
    int Height,
    int EmbeddingSize,
    int Epochs,
    double LearningRate,
    double WeightDecay,
    bool Cosine,
    double Margin,
    int PairsPerEpoch,
    int BatchSize,
    int SubjectsPerBatch,
    int ImagesPerSubject,
    int BatchesPerEpoch)
{
    /// <summary>The tutorial's contrastive margin.</summary>
    public const double TutorialMargin = 2.0;

    /// <summary>The tutorial's Adam learning rate.</summary>
    public const double TutorialLearningRate = 5e-4;

    /// <summary>Resolves the defaults of <paramref name="settings"/> for real (<paramref name="embedded"/> false) or generated faces.</summary>
    public static FaceRecipe From(FaceSimilaritySettings settings, bool embedded)
    {
        ArgumentNullException.ThrowIfNull(settings);
        bool conv4 = settings.Encoder != EncoderChoice.FaceNet; // and SmallCnn: the same small input
        bool pairs = settings.Loss == LossChoice.Contrastive;
        (int Width, int Height) size = settings.ImageSize is { } text
            ? FaceSimilaritySettings.ParseImageSize(text) ?? throw new ArgumentException($"--image-size '{text}' is malformed.", nameof(settings))
            : conv4 ? (48, 56) : embedded ? (56, 56) : (100, 100);
        int epochs = settings.EpochsOr((pairs, embedded) switch
        {
            (true, false) => 12,
            (true, true) => 4,
            (false, false) => 30,
            (false, true) => 8,
        });
        return new FaceRecipe(
            settings.Encoder,
            settings.Loss,
            size.Width,
            size.Height,
            settings.EmbeddingSize ?? settings.Encoder switch { EncoderChoice.Conv4 => 0, EncoderChoice.SmallCnn => 128, _ => 32 },
            epochs,
            settings.LearningRate ?? (pairs ? TutorialLearningRate : 1e-3),
            settings.WeightDecay ?? (pairs ? 0 : 5e-4),
            Cosine: !pairs,
            settings.Margin ?? (pairs ? TutorialMargin : 0.5),
            settings.PairsPerEpoch ?? (embedded ? 1280 : 1920),
            settings.BatchSize,
            settings.SubjectsPerBatch,
            settings.ImagesPerSubject,
            settings.BatchesPerEpoch ?? (embedded ? 10 : 20));
    }

    /// <summary>One line describing the setting, for the console.</summary>
    public string Describe()
    {
        string network = Encoder switch { EncoderChoice.Conv4 => "Conv4Encoder", EncoderChoice.SmallCnn => "SmallCnn", _ => "FaceSimilarityNet" };
        string schedule = (Cosine ? "cosine decay" : "constant") + (WeightDecay > 0 ? $", weight decay {WeightDecay}" : string.Empty);
        string embedding = EmbeddingSize == 0 ? "flattened feature map" : EmbeddingSize.ToString(CultureInfo.InvariantCulture);
        string data = Loss switch
        {
            LossChoice.Contrastive => $"contrastive loss (margin {Margin}), {PairsPerEpoch} random pairs (half same) per epoch in batches of {BatchSize}",
            LossChoice.Triplet => $"batch-hard triplet loss (margin {Margin}, L2-normalised embeddings), {BatchesPerEpoch} batches of {SubjectsPerBatch} subjects x {ImagesPerSubject} images per epoch",
            _ => $"1-shot prototypical loss, {BatchesPerEpoch} batches of {SubjectsPerBatch} subjects x {ImagesPerSubject} images (1 support + {ImagesPerSubject - 1} queries) per epoch",
        };
        return string.Create(CultureInfo.InvariantCulture,
            $"{network} {Width}x{Height} → {embedding}, {data}, Adam {LearningRate} ({schedule}), {Epochs} epochs");
    }
}
