using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>A loss value with how many tuples contributed to it. Owns its tensors.</summary>
/// <param name="Value">The reduced loss (a scalar, or per-item with <see cref="Reducers.KnownReducers.None"/>).</param>
/// <param name="ActiveTuples">
/// The number of tuples (pairs, triplets, queries) with a non-zero loss, an Int64 scalar on the loss's device (read it
/// only when needed: reading synchronises). Zero for many steps in a row means the batches or the miner give the loss
/// nothing to learn from.
/// </param>
/// <param name="Tuples">The number of tuples the loss saw, active or not (Int64 scalar on the device).</param>
public sealed record LossOutput(Tensor Value, Tensor ActiveTuples, Tensor Tuples) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        Value.Dispose();
        ActiveTuples.Dispose();
        Tuples.Dispose();
    }
}
