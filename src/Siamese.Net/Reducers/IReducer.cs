using static TorchSharp.torch;

namespace Siamese.Net.Reducers;

/// <summary>
/// Turns a loss's per-tuple (or per-item) values into the scalar that is back-propagated, as
/// pytorch-metric-learning's reducers. Presets are in <see cref="KnownReducers"/>.
/// </summary>
public interface IReducer
{
    /// <summary>A short name for logs, e.g. <c>"mean"</c>.</summary>
    string Name { get; }

    /// <summary>Reduces the per-item losses.</summary>
    /// <param name="perItem">Losses [T], T possibly 0 (then the result is 0 with a zero gradient, never NaN).</param>
    /// <returns>A scalar, or the input unchanged for <see cref="KnownReducers.None"/>.</returns>
    Tensor Reduce(Tensor perItem);
}
