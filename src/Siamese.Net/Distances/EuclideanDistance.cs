using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Distances;

/// <summary>
/// Euclidean (L2) distance <c>d(a, b) = sqrt(sum_i (a_i - b_i)^2 + epsilon)</c>, the distance of the contrastive loss
/// in every tutorial (<c>F.pairwise_distance</c>).
/// </summary>
/// <remarks>
/// The plain square root has an infinite derivative at zero distance, which turns the first identical pair of a
/// batch (or the diagonal of a batch's distance matrix) into NaN weights. Adding <see cref="Epsilon"/> under the root
/// keeps the gradient finite (it is exactly zero at zero distance) and changes a distance by at most
/// <c>sqrt(epsilon)</c> (1e-6 with the default), the same order as the <c>eps = 1e-6</c> that PyTorch's
/// <c>F.pairwise_distance</c> adds to the difference.
/// </remarks>
public sealed class EuclideanDistance : IDistance
{
    /// <summary>Above this many elements of the [Q, R, D] difference tensor, <see cref="Matrix"/> switches to the
    /// memory-light expansion <c>|q|^2 + |r|^2 - 2 q.r</c>.</summary>
    private const long ExactMatrixElementLimit = 1L << 22;

    /// <summary>Creates the distance.</summary>
    /// <param name="epsilon">Added to the squared distance under the square root; must be positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> is not positive and finite.</exception>
    public EuclideanDistance(double epsilon = 1e-12)
    {
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive and finite.");
        }

        Epsilon = epsilon;
    }

    /// <summary>The constant added to the squared distance before the square root.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public string Name => "euclidean";

    /// <inheritdoc />
    public Tensor Pairwise(Tensor first, Tensor second)
    {
        DistanceShapes.CheckPairwise(first, second);
        using var scope = NewDisposeScope();
        var diff = first - second;
        return (diff * diff).sum(1).add(Epsilon).sqrt().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    /// <remarks>
    /// Small problems (up to 4M elements in the difference tensor, e.g. a 128 x 128 batch of 256-d embeddings) use the
    /// exact differences, so that miners and losses see the same numbers as <see cref="Pairwise"/>. Larger ones (a
    /// one-shot gallery) use the matrix-product expansion, clamped at zero, whose float32 rounding error is about
    /// 1e-3 of the squared norms for nearly identical embeddings.
    /// </remarks>
    public Tensor Matrix(Tensor queries, Tensor references)
    {
        DistanceShapes.CheckMatrix(queries, references);
        using var scope = NewDisposeScope();
        Tensor squared;
        if (queries.shape[0] * references.shape[0] * queries.shape[1] <= ExactMatrixElementLimit)
        {
            var diff = queries.unsqueeze(1) - references.unsqueeze(0);
            squared = (diff * diff).sum(2);
        }
        else
        {
            var qq = (queries * queries).sum(1, keepdim: true);
            var rr = (references * references).sum(1).unsqueeze(0);
            squared = (qq + rr - 2 * queries.matmul(references.t())).clamp_min(0);
        }

        return squared.add(Epsilon).sqrt().MoveToOuterDisposeScope();
    }
}
