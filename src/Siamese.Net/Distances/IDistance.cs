using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Distances;

/// <summary>
/// A distance between embeddings: smaller means more alike. Losses, miners and the one-shot classifier take one
/// through this interface, so a user can swap Euclidean for cosine (or their own) everywhere at once.
/// </summary>
public interface IDistance
{
    /// <summary>A short name for logs and saved models, e.g. <c>"euclidean"</c>.</summary>
    string Name { get; }

    /// <summary>Row-wise distances between two batches of the same shape [N, D]; returns [N].</summary>
    /// <param name="first">Embeddings [N, D].</param>
    /// <param name="second">Embeddings [N, D].</param>
    Tensor Pairwise(Tensor first, Tensor second);

    /// <summary>All distances between two sets of embeddings [Q, D] and [R, D]; returns [Q, R].</summary>
    /// <param name="queries">Embeddings [Q, D].</param>
    /// <param name="references">Embeddings [R, D].</param>
    Tensor Matrix(Tensor queries, Tensor references);
}
