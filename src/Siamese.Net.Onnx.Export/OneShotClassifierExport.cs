using Siamese.Net.Inference;

namespace Siamese.Net.Onnx.Export;

/// <summary>Exports a trained <see cref="OneShotClassifier"/> as a deployment bundle for Siamese.Net.Onnx.</summary>
public static class OneShotClassifierExport
{
    /// <summary>
    /// Writes <paramref name="classifier"/> as a <c>.siamese-onnx</c> bundle (<see cref="OnnxBundle.Write"/>): its
    /// encoder as ONNX (with its test-time augmentation built into the graph), its preprocessing, distance, threshold,
    /// top-k, K-shot aggregation and every enrolled support embedding with its label. Load it with <c>OnnxOneShotClassifier.Load</c> where no libtorch is installed.
    /// </summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="path">The bundle file to write (atomically).</param>
    /// <exception cref="NotSupportedException">The encoder has a module ONNX export does not support, or the distance has no vector metric (a learned head).</exception>
    public static void ExportOnnx(this OneShotClassifier classifier, string path)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var metric = classifier.Distance.Metric
            ?? throw new NotSupportedException($"The classifier's distance '{classifier.Distance.Name}' has no vector metric; a deployed classifier ranks by Euclidean, cosine or inner-product distance.");
        var labels = new List<string>();
        var rows = new List<float>();
        foreach (var label in classifier.Classes)
        {
            using var embeddings = classifier.GetClassEmbeddings(label);
            labels.AddRange(Enumerable.Repeat(label, (int)embeddings.shape[0]));
            rows.AddRange(embeddings.contiguous().data<float>().ToArray());
        }

        OnnxBundle.Write(path, classifier.Encoder, classifier.Preprocessing, metric, classifier.Threshold, classifier.TopK,
            classifier.Aggregation, labels, rows.ToArray(), classifier.TestTimeAugmentation);
    }
}
