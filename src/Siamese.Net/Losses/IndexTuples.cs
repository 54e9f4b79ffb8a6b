using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// Index tuples into one batch's embeddings, as pytorch-metric-learning's <c>indices_tuple</c>: either pairs
/// (<see cref="PairTuples"/>) or triplets (<see cref="TripletTuples"/>). A loss converts between the two on demand,
/// so a pair loss can train on mined triplets and a triplet loss on given pairs. Owns its Int64 tensors.
/// </summary>
public abstract record IndexTuples : IDisposable
{
    /// <summary>Number of tuples (positive plus negative pairs, or triplets).</summary>
    public abstract long Count { get; }

    /// <summary>These tuples as pairs (the caller disposes the result).</summary>
    /// <returns>Pairs: a triplet (a, p, n) gives the positive pair (a, p) and the negative pair (a, n).</returns>
    public abstract PairTuples ToPairs();

    /// <summary>These tuples as triplets (the caller disposes the result).</summary>
    /// <returns>Triplets: every positive pair (a, p) with every negative pair (a, n) of the same anchor.</returns>
    public abstract TripletTuples ToTriplets();

    /// <summary>Moves the indices to a device (a new object; the caller disposes it).</summary>
    /// <param name="device">The device of the embeddings.</param>
    /// <returns>The same tuples on <paramref name="device"/>.</returns>
    public abstract IndexTuples ToDevice(Device device);

    /// <summary>The index tensors these tuples own (what a batch source detaches from its building scope).</summary>
    /// <returns>The tensors.</returns>
    public abstract IEnumerable<Tensor> Tensors();

    /// <inheritdoc />
    public abstract void Dispose();
}
