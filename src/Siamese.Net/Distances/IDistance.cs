using Siamese.Net.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Distances;

/// <summary>
/// A distance or similarity between embeddings. Losses, miners, validation and the one-shot classifier take one
/// through this interface, so a user can swap Euclidean for cosine (or their own) everywhere at once.
/// </summary>
/// <remarks>
/// A distance (<see cref="IsSimilarity"/> false) is smaller for more alike embeddings; a similarity (true: a dot
/// product, a learned head's logit) is larger. Code that compares two values asks <see cref="DistanceExtensions"/>
/// (<c>Margin</c>, <c>Closer</c>), so "closer" is decided in one place, as pytorch-metric-learning's
/// <c>BaseDistance.is_inverted</c> does.
/// </remarks>
public interface IDistance
{
    /// <summary>A short name for logs and saved models, e.g. <c>"euclidean"</c>.</summary>
    string Name { get; }

    /// <summary>True when larger values mean more alike (a similarity); false for a distance (the default).</summary>
    bool IsSimilarity => false;

    /// <summary>
    /// The equivalent vector metric for support indexes (<see cref="KnownMetrics"/>), or null when no vector index can
    /// rank by this distance (a learned head); such a distance works with the tensor index only.
    /// </summary>
    VectorMetric? Metric => null;

    /// <summary>Row-wise distances between two batches of the same shape [N, D]; returns [N].</summary>
    /// <param name="first">Embeddings [N, D].</param>
    /// <param name="second">Embeddings [N, D].</param>
    Tensor Pairwise(Tensor first, Tensor second);

    /// <summary>All distances between two sets of embeddings [Q, D] and [R, D]; returns [Q, R].</summary>
    /// <param name="queries">Embeddings [Q, D].</param>
    /// <param name="references">Embeddings [R, D].</param>
    Tensor Matrix(Tensor queries, Tensor references);

    /// <summary>
    /// Prepares a fixed set of references (a support gallery) for repeated nearest-neighbour ranking: the place for a
    /// distance's fast path. The default ranks by <see cref="Matrix"/>; Euclidean and cosine override it.
    /// </summary>
    /// <param name="references">References [R, D]; copied.</param>
    /// <param name="candidateType">
    /// A low-precision type (e.g. <c>ScalarType.BFloat16</c>) for a fast candidate pass, or null for exact ranking only;
    /// a distance without such a pass ignores it.
    /// </param>
    /// <returns>The prepared references (the caller disposes them).</returns>
    PreparedReferences Prepare(Tensor references, ScalarType? candidateType = null) => new MatrixReferences(this, references);
}
