using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Encoders;

/// <summary>
/// Local response normalisation across channels (Krizhevsky et al., 2012), as PyTorch's
/// <c>nn.LocalResponseNorm(size, alpha, beta, k)</c>:
/// <c>y_c = x_c / (k + alpha / size * sum_{c' in window(c)} x_c'^2)^beta</c>, the window being <c>size</c> channels
/// centred on c (zero outside).
/// </summary>
/// <remarks>
/// libtorch computes this with a 3-D average pool over a padded copy, which dominates SigNet's CPU time. Here the
/// window sum is <c>size</c> shifted slices of the zero-padded squares added together, and the power is applied as one
/// multiplication by <c>denominator^-beta</c>: the same numbers (to float rounding) at a fraction of the cost.
/// No parameters.
/// </remarks>
public sealed class LocalResponseNorm : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module; the defaults are SigNet's (size 5, alpha 1e-4, beta 0.75, k 2).</summary>
    /// <param name="size">Number of neighbouring channels in the window.</param>
    /// <param name="alpha">Multiplicative factor.</param>
    /// <param name="beta">Exponent.</param>
    /// <param name="k">Additive constant.</param>
    /// <exception cref="ArgumentOutOfRangeException">size is not positive, or a constant is not finite.</exception>
    public LocalResponseNorm(int size = 5, double alpha = 1e-4, double beta = 0.75, double k = 2.0) : base(nameof(LocalResponseNorm))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if (!double.IsFinite(alpha) || !double.IsFinite(beta) || !double.IsFinite(k))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), $"alpha, beta and k must be finite, got {alpha}, {beta}, {k}.");
        }

        Size = size;
        Alpha = alpha;
        Beta = beta;
        K = k;
    }

    /// <summary>Window size in channels.</summary>
    public int Size { get; }

    /// <summary>Multiplicative factor alpha.</summary>
    public double Alpha { get; }

    /// <summary>Exponent beta.</summary>
    public double Beta { get; }

    /// <summary>Additive constant k.</summary>
    public double K { get; }

    /// <summary>Normalises a batch [N, C, ...] across channels.</summary>
    /// <param name="input">Tensor of rank 3 or more, channels in dimension 1.</param>
    /// <returns>A tensor of the input's shape.</returns>
    /// <exception cref="ArgumentException">The rank is below 3.</exception>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() < 3)
        {
            throw new ArgumentException($"Expected [N, C, ...] (rank 3 or more), got [{string.Join(", ", input.shape)}].", nameof(input));
        }

        using var scope = NewDisposeScope();
        long channels = input.shape[1];
        var squares = input.square();

        // Zero-pad the channel axis as PyTorch does: size / 2 before, (size - 1) / 2 after.
        var padShape = (long[])input.shape.Clone();
        padShape[1] = Size / 2;
        var before = zeros(padShape, dtype: input.dtype, device: input.device);
        padShape[1] = (Size - 1) / 2;
        var after = zeros(padShape, dtype: input.dtype, device: input.device);
        var padded = cat(new[] { before, squares, after }, 1);

        // In-place accumulation and affine steps are safe for autograd: their backward needs no saved values.
        var sum = padded.narrow(1, 0, channels).clone();
        for (int offset = 1; offset < Size; offset++)
        {
            sum.add_(padded.narrow(1, offset, channels));
        }

        var scale = sum.mul_(Alpha / Size).add_(K).pow(-Beta);
        return (input * scale).MoveToOuterDisposeScope();
    }
}
