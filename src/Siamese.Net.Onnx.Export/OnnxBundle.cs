using System.Text.Json;
using Google.Protobuf;
using Siamese.Net.Embedding;
using Siamese.Net.Imaging;
using Siamese.Net.Onnx.Bundle;
using Siamese.Net.Search;
using static TorchSharp.torch;

namespace Siamese.Net.Onnx.Export;

/// <summary>
/// Writes a <c>.siamese-onnx</c> deployment bundle: one versioned zip file holding the encoder as ONNX, the
/// preprocessing settings, the vector metric, the calibrated threshold, top-k, the K-shot aggregation and the
/// enrolled support embeddings with their labels, with the SHA-256 of every entry in its manifest. Siamese.Net.Onnx's
/// <c>OnnxOneShotClassifier.Load</c> runs it without TorchSharp or libtorch.
/// </summary>
public static class OnnxBundle
{
    /// <summary>The conventional file extension, <c>.siamese-onnx</c>.</summary>
    public const string Extension = BundleFormat.Extension;

    /// <summary>The newest bundle format version this writer produces (2 when the preprocessing normalises ink, else 1).</summary>
    public const int FormatVersion = BundleFormat.FormatVersion;

    /// <summary>
    /// Exports <paramref name="encoder"/> and writes the bundle to <paramref name="path"/> atomically (a temporary
    /// file beside it, then a rename), so a reader never sees a half-written bundle.
    /// </summary>
    /// <param name="path">The file to write, conventionally ending in <see cref="Extension"/>; replaced if it exists.</param>
    /// <param name="encoder">The encoder; its input must be [N, preprocessing.Channels, preprocessing.Height, preprocessing.Width].</param>
    /// <param name="preprocessing">The preprocessing the encoder was trained with; the deployed side repeats it exactly.</param>
    /// <param name="metric">The vector metric of the support search (one of <see cref="KnownMetrics"/>).</param>
    /// <param name="threshold">The distance above which a query is unknown, or null to always answer the nearest class.</param>
    /// <param name="topK">How many candidate classes a prediction lists (at least 1).</param>
    /// <param name="aggregation">How the K shots of a class are combined.</param>
    /// <param name="labels">One label per support embedding (labels of a K-shot class repeat).</param>
    /// <param name="supportEmbeddings">Row-major support embeddings: labels.Count rows of the encoder's embedding size.</param>
    /// <param name="testTimeAugmentation">
    /// The test-time augmentation the support embeddings were made with (<see cref="OnnxExportOptions.TestTimeAugmentation"/>):
    /// built into the exported graph, so queries are embedded the same way; none when null.
    /// </param>
    /// <exception cref="NotSupportedException">The encoder cannot be exported (the message names the module).</exception>
    /// <exception cref="ArgumentException">
    /// A custom metric, a shape mismatch between encoder, preprocessing and embeddings, or an empty label.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> below 1, a non-finite threshold or an unknown aggregation.</exception>
    public static void Write(
        string path,
        nn.Module<Tensor, Tensor> encoder,
        ImagePreprocessing preprocessing,
        VectorMetric metric,
        double? threshold,
        int topK,
        KShotAggregation aggregation,
        IReadOnlyList<string> labels,
        ReadOnlySpan<float> supportEmbeddings,
        TestTimeAugmentation? testTimeAugmentation = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(preprocessing);
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        OpenSetDecision.CheckThreshold(threshold, nameof(threshold));
        if (!Enum.IsDefined(aggregation))
        {
            throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "Unknown K-shot aggregation.");
        }

        if (KnownMetrics.TryFromName(metric.Name) is not { } known || !ReferenceEquals(known, metric))
        {
            throw new ArgumentException(
                $"The metric '{metric.Name}' is not one of KnownMetrics (euclidean, cosine, inner-product); a deployed classifier could not rebuild it.",
                nameof(metric));
        }

        preprocessing.Validate();
        var exported = OnnxExporter.Build(encoder, new OnnxExportOptions
        {
            InputChannels = preprocessing.Channels,
            InputHeight = preprocessing.Height,
            InputWidth = preprocessing.Width,
            TestTimeAugmentation = testTimeAugmentation ?? TestTimeAugmentation.None,
        });
        if (exported.EmbeddingSize is not { } dimension)
        {
            throw new ArgumentException("The encoder's output is not a [batch, D] embedding of known size.", nameof(encoder));
        }

        var manifest = new BundleManifest
        {
            // Ink normalisation came with format 2: stamp it only when used, so older readers refuse exactly those bundles.
            FormatVersion = preprocessing.InkNormalization != InkNormalization.None ? BundleFormat.FormatVersion : BundleFormat.BaseFormatVersion,
            CreatedBy = "Siamese.Net.Onnx.Export " + (typeof(OnnxBundle).Assembly.GetName().Version?.ToString() ?? "0"),
            Model = new BundleManifest.BundleModel
            {
                InputChannels = preprocessing.Channels,
                InputHeight = preprocessing.Height,
                InputWidth = preprocessing.Width,
                EmbeddingSize = dimension,
                Opset = OnnxExporter.Opset,
            },
            Preprocessing = JsonDocument.Parse(preprocessing.ToJson()).RootElement.Clone(),
            Metric = metric.Name,
            Threshold = threshold,
            TopK = topK,
            Aggregation = aggregation.ToString(),
        };
        BundleWriter.Write(path, exported.Model.ToByteArray(), manifest, labels, supportEmbeddings);
    }
}
