using Siamese.Net.Distances;
using Siamese.Net.Imaging;

namespace Siamese.Net.Inference;

/// <summary>Settings of a <see cref="OneShotClassifier"/>. Values are checked when set.</summary>
public sealed record OneShotClassifierOptions
{
    private readonly double? _threshold;
    private readonly int _topK = 5;
    private readonly int _batchSize = 64;
    private readonly KShotAggregation _aggregation = KShotAggregation.NearestSample;

    /// <summary>
    /// Distance between embeddings; null for the <see cref="SiameseNetwork.Distance"/> when the encoder is a
    /// <see cref="SiameseNetwork"/>, else Euclidean. Use the distance the encoder was trained with.
    /// </summary>
    public IDistance? Distance { get; init; }

    /// <summary>How a class with several support images is scored (default: its nearest sample).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined value.</exception>
    public KShotAggregation Aggregation
    {
        get => _aggregation;
        init => _aggregation = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Aggregation), value, "Unknown K-shot aggregation.");
    }

    /// <summary>
    /// Distance above which a query is unknown (the tutorials' "No match found"); null never rejects. Calibrate it on
    /// validation pairs with <see cref="Evaluation.ThresholdCalibration"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or NaN.</exception>
    public double? Threshold
    {
        get => _threshold;
        init => _threshold = OneShotClassifier.CheckThreshold(value, nameof(Threshold));
    }

    /// <summary>Number of candidate classes returned with each prediction (default 5).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int TopK
    {
        get => _topK;
        init => _topK = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(TopK), value, "TopK must be at least 1.");
    }

    /// <summary>Images per encoder forward pass when embedding support sets and query batches (default 64).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int BatchSize
    {
        get => _batchSize;
        init => _batchSize = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "BatchSize must be at least 1.");
    }

    /// <summary>Decoder for image files; <see cref="StbImageDecoder.Default"/> when null.</summary>
    public IImageDecoder? Decoder { get; init; }
}
