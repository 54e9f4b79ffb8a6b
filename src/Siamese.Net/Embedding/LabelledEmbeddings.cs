using static TorchSharp.torch;

namespace Siamese.Net.Embedding;

/// <summary>Embeddings of a labelled image set with the class id of each row (from <see cref="Embedder.Embed(Data.ImageFolderDataset, CancellationToken)"/>). Owns its tensors.</summary>
/// <param name="Embeddings">Float32 embeddings [N, D] on the CPU, in the dataset's image order.</param>
/// <param name="ClassIds">Int64 class id of each row [N] on the CPU.</param>
/// <param name="ClassNames">Name of each class id.</param>
public sealed record LabelledEmbeddings(Tensor Embeddings, Tensor ClassIds, IReadOnlyList<string> ClassNames) : IDisposable
{
    /// <summary>Number of rows.</summary>
    public long Count => Embeddings.shape[0];

    /// <inheritdoc />
    public void Dispose()
    {
        Embeddings.Dispose();
        ClassIds.Dispose();
    }
}
