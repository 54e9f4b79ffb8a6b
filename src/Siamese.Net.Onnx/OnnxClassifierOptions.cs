using Microsoft.ML.OnnxRuntime;
using Siamese.Net.Search;

namespace Siamese.Net.Onnx;

/// <summary>How <see cref="OnnxOneShotClassifier.Load"/> runs a bundle.</summary>
public sealed record OnnxClassifierOptions
{
    private readonly int _batchSize = 64;

    /// <summary>
    /// Makes the ONNX Runtime session options (execution provider, thread counts); null for the CPU defaults. Called
    /// once; the options are disposed once the session exists.
    /// </summary>
    public Func<SessionOptions>? SessionOptionsFactory { get; init; }

    /// <summary>
    /// Creates the support index from the bundle's metric, aggregation and embedding size; null for the managed
    /// <see cref="ExactSupportIndex"/>. Any <see cref="ISupportIndex"/> (an approximate or database-backed one) serves.
    /// The classifier owns and disposes the index.
    /// </summary>
    public Func<VectorMetric, KShotAggregation, int, ISupportIndex>? IndexFactory { get; init; }

    /// <summary>Images per ONNX Runtime call (default 64).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int BatchSize
    {
        get => _batchSize;
        init => _batchSize = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "BatchSize must be at least 1.");
    }

}
