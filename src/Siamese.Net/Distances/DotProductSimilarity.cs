using Siamese.Net.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Distances;

/// <summary>
/// The dot product <c>s(a, b) = a . b</c>, a similarity (larger = more alike): pytorch-metric-learning's
/// <c>DotProductSimilarity</c>. On L2-normalised embeddings it is the cosine similarity; proxy, NT-Xent and
/// supervised-contrastive losses are usually written with it. A support index ranks it as the inner-product metric.
/// </summary>
public sealed class DotProductSimilarity : IDistance
{
    /// <inheritdoc />
    public VectorMetric? Metric => KnownMetrics.InnerProduct;

    /// <inheritdoc />
    public string Name => "dot-product";

    /// <inheritdoc />
    public bool IsSimilarity => true;

    /// <inheritdoc />
    public Tensor Pairwise(Tensor first, Tensor second)
    {
        DistanceShapes.CheckPairwise(first, second);
        using var scope = NewDisposeScope();
        return (first * second).sum(1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor Matrix(Tensor queries, Tensor references)
    {
        DistanceShapes.CheckMatrix(queries, references);
        return queries.matmul(references.t());
    }
}
