using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Distances;

/// <summary>
/// Manhattan (L1) distance <c>d(a, b) = sum_i |a_i - b_i|</c>. Its gradient is the sign of the difference, which is
/// finite everywhere (zero at zero distance).
/// </summary>
public sealed class ManhattanDistance : IDistance
{
    /// <inheritdoc />
    public string Name => "manhattan";

    /// <inheritdoc />
    public Tensor Pairwise(Tensor first, Tensor second)
    {
        DistanceShapes.CheckPairwise(first, second);
        using var scope = NewDisposeScope();
        return (first - second).abs().sum(1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor Matrix(Tensor queries, Tensor references)
    {
        DistanceShapes.CheckMatrix(queries, references);
        using var scope = NewDisposeScope();
        return cdist(queries, references, p: 1).MoveToOuterDisposeScope();
    }
}
