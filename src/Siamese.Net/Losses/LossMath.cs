using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// Numerics the pair and proxy losses share: the working precision, cosine similarity with the
/// <see cref="Distances.CosineDistance"/> normalisation, and log-sum-exps over masks that never produce NaN.
/// </summary>
internal static class LossMath
{
    /// <summary>The norm floor of <see cref="Distances.CosineDistance"/>, so losses and inference agree.</summary>
    public const double NormEpsilon = 1e-8;

    /// <summary>
    /// The tensor in the precision a loss computes in: float64 stays float64, everything narrower (bfloat16, half) is
    /// widened to float32, because exp(gamma s) with gamma = 256 or s = 64 overflows or rounds away in bfloat16.
    /// </summary>
    public static Tensor Working(Tensor x) =>
        x.dtype is ScalarType.Float64 or ScalarType.Float32 ? x.alias() : x.to_type(ScalarType.Float32);

    /// <summary>The working precision of two tensors (float64 if either is float64, else float32).</summary>
    public static ScalarType WorkingType(Tensor a, Tensor b) =>
        a.dtype == ScalarType.Float64 || b.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;

    /// <summary>Rows scaled to unit length (norm floored at <see cref="NormEpsilon"/>).</summary>
    public static Tensor Unit(Tensor x) => x / x.norm(1, keepdim: true).clamp_min(NormEpsilon);

    /// <summary>Cosine similarities [N, M] of the rows of two matrices.</summary>
    public static Tensor Cosine(Tensor x, Tensor y) => Unit(x).matmul(Unit(y).t());

    /// <summary>Cosine similarities [N, N] within one batch.</summary>
    public static Tensor Cosine(Tensor x)
    {
        var u = Unit(x);
        return u.matmul(u.t());
    }

    /// <summary>
    /// <c>log(1 + sum_{mask} exp z)</c> along <paramref name="dim"/> of a 2-D tensor, as a log-sum-exp with an extra zero
    /// entry: exact for large z, and an all-masked row gives exactly 0 with a zero gradient.
    /// </summary>
    public static Tensor LogOnePlusSumExp(Tensor z, Tensor mask, long dim)
    {
        var masked = z.masked_fill(mask.logical_not(), double.NegativeInfinity);
        var zeroShape = (long[])z.shape.Clone();
        zeroShape[dim] = 1;
        return cat([masked, zeros(zeroShape, z.dtype, z.device)], dim).logsumexp(dim);
    }

    /// <summary>
    /// <c>log sum_{mask} exp z</c> per row of [N, M], and 0 (with a zero gradient) for the rows that are not
    /// <paramref name="rows"/> — those may have an empty mask, which would give -inf and a NaN gradient.
    /// </summary>
    public static Tensor MaskedLogSumExp(Tensor z, Tensor mask, Tensor rows)
    {
        var masked = z.masked_fill(mask.logical_not(), double.NegativeInfinity)
            .masked_fill(rows.logical_not().unsqueeze(1), 0.0);
        return masked.logsumexp(1).masked_fill(rows.logical_not(), 0.0);
    }

    /// <summary>Positive and negative masks [N, N] of all pairs of a labelled batch (i ≠ j).</summary>
    public static (Tensor Positive, Tensor Negative) Masks(Tensor labels)
    {
        long n = labels.shape[0];
        var same = labels.unsqueeze(1).eq(labels.unsqueeze(0));
        var notSelf = eye(n, dtype: ScalarType.Bool, device: labels.device).logical_not();
        return (same.logical_and(notSelf), same.logical_not());
    }

    /// <summary>Positive and negative masks [N, N] holding the given pairs (duplicates collapse).</summary>
    public static (Tensor Positive, Tensor Negative) Masks(PairTuples pairs, long n, Device device) =>
        (Scatter(pairs.PositiveFirst, pairs.PositiveSecond, n, device), Scatter(pairs.NegativeFirst, pairs.NegativeSecond, n, device));

    private static Tensor Scatter(Tensor first, Tensor second, long n, Device device)
    {
        var flat = (first.to(device) * n) + second.to(device);
        return zeros(n * n, ScalarType.Float32, device).index_fill_(0, flat, 1.0).reshape(n, n).gt(0.5);
    }
}
