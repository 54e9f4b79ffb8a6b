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
/// libtorch computes this with a 3-D average pool over a padded copy, which dominates SigNet's CPU time and has no
/// bfloat16 kernel on CPU. Here the window sum is the squares plus their copies shifted by 1 .. size/2 channels
/// either way (added in place), and the power is one multiplication by <c>denominator^-beta</c> (for beta 0.75 as
/// <c>r sqrt(r)</c>, <c>r = 1/sqrt(d)</c>): the same numbers to float rounding, several times faster on a CPU, and
/// it works in bfloat16. The backward pass is written by hand (a custom autograd function) rather than derived
/// through those operations. No parameters.
/// </remarks>
public sealed class FastLocalResponseNorm : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module; the defaults are SigNet's (size 5, alpha 1e-4, beta 0.75, k 2).</summary>
    /// <param name="size">Number of neighbouring channels in the window.</param>
    /// <param name="alpha">Multiplicative factor.</param>
    /// <param name="beta">Exponent.</param>
    /// <param name="k">Additive constant.</param>
    /// <exception cref="ArgumentOutOfRangeException">size is not positive, or a constant is not finite.</exception>
    public FastLocalResponseNorm(int size = 5, double alpha = 1e-4, double beta = 0.75, double k = 2.0) : base(nameof(FastLocalResponseNorm))
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
    /// <param name="input">Tensor of rank 3 or more, channels in dimension 1; float32, float64 or bfloat16.</param>
    /// <returns>A tensor of the input's shape.</returns>
    /// <exception cref="ArgumentException">The rank is below 3.</exception>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() < 3)
        {
            throw new ArgumentException($"Expected [N, C, ...] (rank 3 or more), got [{string.Join(", ", input.shape)}].", nameof(input));
        }

        var settings = new LrnSettings(Size, Alpha, Beta, K);
        if (!input.requires_grad || !is_grad_enabled())
        {
            using var scope = NewDisposeScope();
            var (scale, _) = Scale(input, settings, keepDerivative: false);
            return scale.mul_(input).MoveToOuterDisposeScope();
        }

        return LrnFunction.apply(input, settings);
    }

    /// <summary>
    /// <c>scale = d^-beta</c> with <c>d = k + alpha/size * window_sum(x^2)</c>, and, when asked, <c>d^(-beta-1)</c>
    /// (written over d's buffer), which the backward pass needs.
    /// </summary>
    private static (Tensor Scale, Tensor? ScaleOverDenominator) Scale(Tensor input, LrnSettings s, bool keepDerivative)
    {
        Tensor denominator;
        using (var squares = input.square())
        {
            denominator = WindowSum(squares, s.Size / 2, (s.Size - 1) / 2);
        }

        denominator.mul_(s.Alpha / s.Size).add_(s.K);
        Tensor scale;
        if (s.Beta == 0.75)
        {
            // SigNet's exponent: d^-0.75 = r * sqrt(r) with r = 1/sqrt(d), much cheaper than a general power.
            using var r = denominator.rsqrt();
            scale = r.sqrt().mul_(r);
        }
        else
        {
            scale = denominator.pow(-s.Beta);
        }

        if (!keepDerivative)
        {
            denominator.Dispose();
            return (scale, null);
        }

        return (scale, denominator.reciprocal_().mul_(scale));
    }

    /// <summary>
    /// <c>out_c = sum of source_c' for c' in c - before .. c + after</c> (zero outside), from shifted slices added in
    /// place: no padded copy and no average pool.
    /// </summary>
    private static Tensor WindowSum(Tensor source, int before, int after)
    {
        long channels = source.shape[1];
        var sum = source.clone();
        for (int offset = 1; offset <= before && offset < channels; offset++)
        {
            using var target = sum.narrow(1, offset, channels - offset);
            using var shifted = source.narrow(1, 0, channels - offset);
            target.add_(shifted);
        }

        for (int offset = 1; offset <= after && offset < channels; offset++)
        {
            using var target = sum.narrow(1, 0, channels - offset);
            using var shifted = source.narrow(1, offset, channels - offset);
            target.add_(shifted);
        }

        return sum;
    }

    private sealed record LrnSettings(int Size, double Alpha, double Beta, double K);

    /// <summary>
    /// LRN with a hand-written backward: autograd through the forward's dozen elementwise operations saved four
    /// activation-sized tensors and walked each of them back. The gradient is
    /// <c>dx = g * scale - 2 alpha beta / size * x * window_sum'(g * x * d^(-beta-1))</c>, window_sum' being the
    /// window transposed (the same for odd sizes): about ten elementwise passes and two saved tensors besides x.
    /// </summary>
    private sealed class LrnFunction : autograd.SingleTensorFunction<LrnFunction>
    {
        public override string Name => "SiameseNetLocalResponseNorm";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var input = (Tensor)vars[0];
            var settings = (LrnSettings)vars[1];
            var (scale, scaleOverDenominator) = Scale(input, settings, keepDerivative: true);
            var output = input.mul(scale);

            // Saved tensors are committed after this method returns, so they must outlive it: they stay in the
            // caller's dispose scope (the native saved variables keep their own references).
            ctx.save_for_backward([input, scale, scaleOverDenominator!]);
            ctx.save_data("settings", settings);
            return output;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var settings = (LrnSettings)ctx.get_data("settings");
            var saved = ctx.get_saved_variables();
            Tensor gradient;
            using (var scope = NewDisposeScope())
            {
                Tensor input = saved[0], scale = saved[1], scaleOverDenominator = saved[2];
                var weighted = grad_output.mul(input).mul_(scaleOverDenominator);
                var gathered = WindowSum(weighted, (settings.Size - 1) / 2, settings.Size / 2);
                gradient = grad_output.mul(scale)
                    .addcmul_(input, gathered, -2.0 * settings.Alpha * settings.Beta / settings.Size)
                    .MoveToOuterDisposeScope();
            }

            foreach (var tensor in saved)
            {
                tensor.Dispose();
            }

            // One gradient per forward argument; the settings record has none.
            return [gradient, null!];
        }
    }
}
