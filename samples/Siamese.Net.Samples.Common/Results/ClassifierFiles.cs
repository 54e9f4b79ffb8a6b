using Siamese.Net.Inference;
using Siamese.Net.Onnx.Export;

namespace Siamese.Net.Samples.Common.Results;

/// <summary>Saves a sample's classifier twice: for TorchSharp (<c>.siamese</c>) and for deployment without libtorch (<c>.siamese-onnx</c>).</summary>
public static class ClassifierFiles
{
    /// <summary>Saves <paramref name="classifier"/> to <paramref name="path"/> and its ONNX bundle beside it.</summary>
    /// <param name="classifier">The trained, enrolled classifier.</param>
    /// <param name="path">The <c>.siamese</c> file.</param>
    /// <returns>The bundle's path, or null with the reason when the model cannot be exported (a learned head distance).</returns>
    public static (string? OnnxPath, string? Reason) Save(OneShotClassifier classifier, string path)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        classifier.Save(path);
        string onnx = Path.ChangeExtension(path, ".siamese-onnx");
        try
        {
            classifier.ExportOnnx(onnx);
            return (onnx, null);
        }
        catch (NotSupportedException e)
        {
            return (null, e.Message);
        }
    }
}
