using Siamese.Net.Distances;
using Siamese.Net.Embedding;
using Siamese.Net.Imaging;
using Siamese.Net.Search;
using static TorchSharp.torch;

namespace Siamese.Net.Inference;

/// <summary>Settings of a <see cref="OneShotClassifier"/>. Values are checked when set.</summary>
public sealed record OneShotClassifierOptions
{
    private readonly double? _threshold;
    private readonly int _topK = 5;
    private readonly int _batchSize = 64;
    private readonly KShotAggregation _aggregation = KShotAggregation.NearestSample;
    private readonly TestTimeAugmentation _testTimeAugmentation = TestTimeAugmentation.None;

    /// <summary>
    /// Distance between embeddings for a network that is not a <see cref="SiameseNetwork"/> (which carries its own);
    /// Euclidean when null. Use the distance the encoder was trained with.
    /// </summary>
    public IDistance? Distance { get; init; }

    /// <summary>How a class with several support images is scored (default: its nearest sample).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined value.</exception>
    public KShotAggregation Aggregation
    {
        get => _aggregation;
        init => _aggregation = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Aggregation), value, $"Aggregation {value} is not a defined K-shot aggregation.");
    }

    /// <summary>
    /// Distance above which a query is unknown (the tutorials' "No match found"); null never rejects. Calibrate it on
    /// validation pairs with <see cref="Evaluation.ThresholdCalibration"/>. It must be non-negative for a distance
    /// (the classifier checks this against its distance); a similarity's negated values may be negative.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">NaN or infinite.</exception>
    public double? Threshold
    {
        get => _threshold;
        init => _threshold = OpenSetDecision.CheckThreshold(value, nameof(Threshold));
    }

    /// <summary>Default number of candidate classes returned with each prediction (default 5); each call may ask for another.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int TopK
    {
        get => _topK;
        init => _topK = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(TopK), value, $"TopK must be at least 1; got {value}.");
    }

    /// <summary>Images per encoder forward pass when embedding support sets and query batches (default 64).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int BatchSize
    {
        get => _batchSize;
        init => _batchSize = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, $"BatchSize must be at least 1; got {value}.");
    }

    /// <summary>Where the encoder runs; null for its parameters' device.</summary>
    public Device? Device { get; init; }

    /// <summary>Decoder for image files; <see cref="StbImageDecoder.Default"/> when null.</summary>
    public IImageDecoder? Decoder { get; init; }

    /// <summary>
    /// The views of each support and query image whose embeddings are averaged (default
    /// <see cref="Embedding.TestTimeAugmentation.None"/>). Saved with the classifier and its ONNX bundle, so a loaded
    /// classifier embeds exactly as the saved one did. Choose it on validation data.
    /// </summary>
    /// <exception cref="ArgumentNullException">Null.</exception>
    public TestTimeAugmentation TestTimeAugmentation
    {
        get => _testTimeAugmentation;
        init => _testTimeAugmentation = value ?? throw new ArgumentNullException(nameof(TestTimeAugmentation), "TestTimeAugmentation must not be null; use TestTimeAugmentation.None.");
    }

    /// <summary>
    /// Creates the (empty) support index from the distance's vector metric and the aggregation, e.g.
    /// <c>(metric, aggregation) =&gt; new ExactSupportIndex(metric, aggregation)</c> or a USearch index; null for a
    /// <see cref="TensorSupportIndex"/> (libtorch exact search, which also ranks distances without a vector metric).
    /// The classifier owns the index and disposes it. Needs a distance with a <see cref="IDistance.Metric"/>.
    /// </summary>
    public Func<VectorMetric, KShotAggregation, ISupportIndex>? SupportIndex { get; init; }

    /// <summary>Settings of the default <see cref="TensorSupportIndex"/> (its aggregation is <see cref="Aggregation"/>); defaults when null.</summary>
    public TensorSupportIndexOptions? TensorIndex { get; init; }
}
