using static TorchSharp.torch;

namespace Siamese.Net.Reducers;

/// <summary>The reducers losses use, as presets (a user reducer implements <see cref="IReducer"/>).</summary>
public static class KnownReducers
{
    /// <summary>The mean over all items (0 over none): the default of every loss.</summary>
    public static IReducer Mean { get; } = new Delegating("mean", x => x.shape[0] == 0 ? x.sum() : x.mean());

    /// <summary>The sum over all items.</summary>
    public static IReducer Sum { get; } = new Delegating("sum", x => x.sum());

    /// <summary>No reduction: the per-item losses themselves (for inspection; training needs a scalar).</summary>
    public static IReducer None { get; } = new Delegating("none", x => x.alias());

    /// <summary>
    /// The mean over the items with a positive loss (0 when none is positive): pytorch-metric-learning's
    /// <c>AvgNonZeroReducer</c>, which keeps easy tuples from diluting the gradient of batch-all mining.
    /// </summary>
    public static IReducer AverageNonZero { get; } = new Delegating("average-non-zero", x =>
    {
        var positive = x.gt(0);
        return (x * positive).sum() / positive.sum().clamp_min(1);
    });

    /// <summary>The mean over the items whose loss lies in (<paramref name="low"/>, <paramref name="high"/>); 0 when none does.</summary>
    /// <param name="low">Items at or below this are left out; null for no lower bound.</param>
    /// <param name="high">Items at or above this are left out; null for no upper bound.</param>
    /// <returns>The reducer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A bound is NaN, or <paramref name="low"/> is not below <paramref name="high"/>.</exception>
    public static IReducer Threshold(double? low = null, double? high = null)
    {
        if (low is { } l && double.IsNaN(l))
        {
            throw new ArgumentOutOfRangeException(nameof(low), l, "low must be a number.");
        }

        if (high is { } h && (double.IsNaN(h) || (low is { } lo && !(lo < h))))
        {
            throw new ArgumentOutOfRangeException(nameof(high), h, "high must be a number above low.");
        }

        return new Delegating($"threshold({low?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-inf"}, {high?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "inf"})", x =>
        {
            var keep = ones_like(x, dtype: ScalarType.Bool);
            if (low is { } a)
            {
                keep = keep.logical_and(x.gt(a));
            }

            if (high is { } b)
            {
                keep = keep.logical_and(x.lt(b));
            }

            return (x * keep).sum() / keep.sum().clamp_min(1);
        });
    }

    private sealed class Delegating(string name, Func<Tensor, Tensor> reduce) : IReducer
    {
        public string Name => name;

        public Tensor Reduce(Tensor perItem)
        {
            ArgumentNullException.ThrowIfNull(perItem);
            using var scope = NewDisposeScope();
            return reduce(perItem).MoveToOuterDisposeScope();
        }

        public override string ToString() => name;
    }
}
