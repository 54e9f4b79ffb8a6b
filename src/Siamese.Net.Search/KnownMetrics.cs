using System.Numerics.Tensors;

namespace Siamese.Net.Search;

/// <summary>The vector metrics every support index supports.</summary>
public static class KnownMetrics
{
    /// <summary>Euclidean (L2) distance <c>|a - b|</c>, not squared.</summary>
    public static VectorMetric Euclidean { get; } = new EuclideanMetric();

    /// <summary>Cosine distance <c>1 - a.b / (|a| |b|)</c>, in [0, 2]; a zero vector is at distance 1 from everything.</summary>
    public static VectorMetric Cosine { get; } = new CosineMetric();

    /// <summary>Inner-product distance <c>1 - a.b</c>: the cosine distance for unit vectors, without normalising.</summary>
    public static VectorMetric InnerProduct { get; } = new InnerProductMetric();

    /// <summary>The known metric of a name (<see cref="VectorMetric.Name"/>).</summary>
    /// <param name="name">"euclidean", "cosine" or "inner-product".</param>
    /// <returns>The metric.</returns>
    /// <exception cref="ArgumentException">No known metric has that name.</exception>
    public static VectorMetric FromName(string name) => TryFromName(name)
        ?? throw new ArgumentException($"'{name}' is not a known vector metric (euclidean, cosine, inner-product).", nameof(name));

    /// <summary>The known metric of a name, or null.</summary>
    /// <param name="name">A metric name.</param>
    /// <returns>The metric, or null when the name is not known.</returns>
    public static VectorMetric? TryFromName(string? name) => name switch
    {
        "euclidean" => Euclidean,
        "cosine" => Cosine,
        "inner-product" => InnerProduct,
        _ => null,
    };

    private sealed class EuclideanMetric : VectorMetric
    {
        public override string Name => "euclidean";

        public override float Distance(ReadOnlySpan<float> first, ReadOnlySpan<float> second) =>
            TensorPrimitives.Distance(first, second);
    }

    private sealed class CosineMetric : VectorMetric
    {
        public override string Name => "cosine";

        public override float Distance(ReadOnlySpan<float> first, ReadOnlySpan<float> second)
        {
            float norms = TensorPrimitives.Norm(first) * TensorPrimitives.Norm(second);
            return norms > 0 ? 1 - (TensorPrimitives.Dot(first, second) / norms) : 1;
        }

        public override double Similarity(double distance) => 1 - distance;
    }

    private sealed class InnerProductMetric : VectorMetric
    {
        public override string Name => "inner-product";

        public override float Distance(ReadOnlySpan<float> first, ReadOnlySpan<float> second) =>
            1 - TensorPrimitives.Dot(first, second);

        public override double Similarity(double distance) => 1 - distance;
    }
}
