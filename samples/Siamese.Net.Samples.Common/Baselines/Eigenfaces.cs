using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Samples.Common.Baselines;

/// <summary>
/// Eigenfaces (Turk and Pentland 1991): principal components of flattened training images, computed by the thin SVD
/// of the mean-centred rows (<c>torch.linalg.svd</c>). <see cref="Project"/> gives the coefficients of the leading
/// components, compared with the Euclidean distance by the 1-NN baseline. Fit only on training images, so test
/// subjects contribute nothing to the basis. Owns its tensors.
/// </summary>
public sealed class Eigenfaces : IDisposable
{
    private readonly Tensor _mean;
    private readonly Tensor _basis;

    private Eigenfaces(Tensor mean, Tensor basis)
    {
        _mean = mean;
        _basis = basis;
    }

    /// <summary>Number of components kept.</summary>
    public int Components => (int)_basis.shape[0];

    /// <summary>Fits the leading <paramref name="components"/> components of <paramref name="rows"/>.</summary>
    /// <param name="rows">Training rows [N, P] (flattened, preprocessed images).</param>
    /// <param name="components">Components to keep, at least 1; capped at min(N - 1, P).</param>
    public static Eigenfaces Fit(Tensor rows, int components)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(components, 1);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = rows.to(float64);
        var mean = x.mean([0], keepdim: true);
        var (_, _, vh) = linalg.svd(x - mean, fullMatrices: false);
        long k = Math.Min(components, Math.Min(rows.shape[0] - 1, rows.shape[1]));
        return new Eigenfaces(mean.MoveToOuterDisposeScope(), vh.narrow(0, 0, k).contiguous().MoveToOuterDisposeScope());
    }

    /// <summary>The coefficients [N, k] of <paramref name="rows"/> [N, P] on the kept components, as float32.</summary>
    public Tensor Project(Tensor rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var scope = NewDisposeScope();
        return (rows.to(float64) - _mean).matmul(_basis.t()).to(float32).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _mean.Dispose();
        _basis.Dispose();
    }
}
