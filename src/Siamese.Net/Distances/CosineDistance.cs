using Siamese.Net.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Distances;

/// <summary>
/// Cosine distance <c>d(a, b) = 1 - a.b / (max(|a|, epsilon) max(|b|, epsilon))</c>, in [0, 2]; insensitive to the
/// embeddings' lengths, so it suits encoders trained with L2-normalised embeddings.
/// </summary>
public sealed class CosineDistance : IDistance
{
    /// <summary>Creates the distance.</summary>
    /// <param name="epsilon">Lower bound of a norm, so that a zero embedding gives distance 1 instead of NaN.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> is not positive and finite.</exception>
    public CosineDistance(double epsilon = 1e-8)
    {
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive and finite.");
        }

        Epsilon = epsilon;
    }

    /// <summary>Lower bound applied to each norm.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public VectorMetric? Metric => KnownMetrics.Cosine;

    /// <inheritdoc />
    public string Name => "cosine";

    /// <inheritdoc />
    public Tensor Pairwise(Tensor first, Tensor second)
    {
        DistanceShapes.CheckPairwise(first, second);
        using var scope = NewDisposeScope();
        var similarity = (Unit(first) * Unit(second)).sum(1);
        return (1 - similarity).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor Matrix(Tensor queries, Tensor references)
    {
        DistanceShapes.CheckMatrix(queries, references);
        using var scope = NewDisposeScope();
        var similarity = Unit(queries).matmul(Unit(references).t());
        return (1 - similarity).MoveToOuterDisposeScope();
    }

    private Tensor Unit(Tensor x) => x / x.norm(1, keepdim: true).clamp_min(Epsilon);

    /// <inheritdoc />
    public PreparedReferences Prepare(Tensor references, ScalarType? candidateType = null)
    {
        ArgumentNullException.ThrowIfNull(references);
        return new CosineReferences(references, Epsilon, candidateType);
    }
}
