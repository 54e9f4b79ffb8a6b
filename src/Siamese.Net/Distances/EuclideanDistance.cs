using Siamese.Net.Search;
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
    /// <summary>Largest row count (of either side) for which <see cref="Matrix"/> computes exact differences.</summary>
    public const int ExactRowLimit = 25;

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
    public VectorMetric? Metric => KnownMetrics.Euclidean;

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
    /// Up to <see cref="ExactRowLimit"/> rows on both sides the exact differences are used, so tiny problems see the same
    /// numbers as <see cref="Pairwise"/>. Anything larger (a training batch's distance matrix, a one-shot gallery) uses
    /// the matrix-product expansion <c>|q|^2 + |r|^2 - 2 q.r</c>, clamped at zero: the rule of PyTorch's
    /// <c>torch.cdist</c>, whose difference tensor [Q, R, D] made a 64-embedding batch-hard triplet loss 20-40x slower
    /// than PyTorch's. Its float32 rounding error is a few units in the last place of the squared norms, which matters
    /// only for nearly identical embeddings (e.g. a 1e-7 relative error of |x|^2 = 1 gives ~3e-4 near zero distance);
    /// losses on given pairs use <see cref="Pairwise"/>, which is exact.
    /// </remarks>
    public Tensor Matrix(Tensor queries, Tensor references)
    {
        DistanceShapes.CheckMatrix(queries, references);
        using var scope = NewDisposeScope();
        Tensor squared;
        if (queries.shape[0] <= ExactRowLimit && references.shape[0] <= ExactRowLimit)
        {
            var diff = queries.unsqueeze(1) - references.unsqueeze(0);
            squared = (diff * diff).sum(2);
        }
        else
        {
            var qq = (queries * queries).sum(1, keepdim: true);
            var rr = (references * references).sum(1).unsqueeze(0);
            squared = rr.addmm(queries, references.t(), beta: 1, alpha: -2).add_(qq).clamp_min_(0);
        }

        return squared.add(Epsilon).sqrt().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public PreparedReferences Prepare(Tensor references, ScalarType? candidateType = null)
    {
        ArgumentNullException.ThrowIfNull(references);
        return new EuclideanReferences(references, Epsilon, candidateType);
    }
}
