using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// Triplets (anchor <see cref="Anchors"/>[t], positive <see cref="Positives"/>[t], negative <see cref="Negatives"/>[t])
/// as Int64 indices into a batch: the <c>(a, p, n)</c> tuple of pytorch-metric-learning. Owns its tensors.
/// </summary>
/// <param name="Anchors">Anchor indices [T].</param>
/// <param name="Positives">Positive indices [T] (same class as the anchor, not the anchor itself).</param>
/// <param name="Negatives">Negative indices [T] (another class than the anchor).</param>
public sealed record TripletTuples(Tensor Anchors, Tensor Positives, Tensor Negatives) : IndexTuples
{
    /// <inheritdoc />
    public override long Count => Anchors.shape[0];

    /// <summary>The triplets of a batch of 3N images laid out as N anchors, N positives, N negatives: what a triplet source yields.</summary>
    /// <param name="count">N, the number of triplets.</param>
    /// <returns>The triplet tuples (the caller disposes them).</returns>
    public static TripletTuples Packaged(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        using var scope = NewDisposeScope();
        var a = arange(count, dtype: ScalarType.Int64);
        return Detached(a, a + count, a + (2 * count));
    }

    /// <summary>Every valid triplet (a, p, n) of a labelled batch: p ≠ a of a's class, n of another class.</summary>
    /// <param name="labels">Class ids [N].</param>
    /// <returns>The triplet tuples (the caller disposes them).</returns>
    public static TripletTuples AllTriplets(Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        var valid = ValidTriplets(labels);
        var idx = valid.nonzero();
        return Detached(idx[.., 0], idx[.., 1], idx[.., 2]);
    }

    /// <summary>The triplets as (anchor, positive, negative) tuples (copies from the device).</summary>
    /// <returns>One tuple per triplet.</returns>
    public IReadOnlyList<(long Anchor, long Positive, long Negative)> ToList()
    {
        var a = Anchors.cpu().data<long>().ToArray();
        var p = Positives.cpu().data<long>().ToArray();
        var n = Negatives.cpu().data<long>().ToArray();
        return a.Select((anchor, i) => (anchor, p[i], n[i])).ToArray();
    }

    /// <inheritdoc />
    public override PairTuples ToPairs() => new(Anchors.clone(), Positives.clone(), Anchors.clone(), Negatives.clone());

    /// <inheritdoc />
    public override TripletTuples ToTriplets() => new(Anchors.clone(), Positives.clone(), Negatives.clone());

    /// <inheritdoc />
    public override IndexTuples ToDevice(Device device) => new TripletTuples(Anchors.to(device), Positives.to(device), Negatives.to(device));

    /// <inheritdoc />
    public override IEnumerable<Tensor> Tensors() => [Anchors, Positives, Negatives];

    /// <inheritdoc />
    public override void Dispose()
    {
        Anchors.Dispose();
        Positives.Dispose();
        Negatives.Dispose();
    }

    /// <summary>[N, N, N] mask of valid (a, p, n): same class for (a, p), a ≠ p, different class for (a, n).</summary>
    internal static Tensor ValidTriplets(Tensor labels)
    {
        long n = labels.shape[0];
        var same = labels.unsqueeze(1).eq(labels.unsqueeze(0));
        var notSelf = eye(n, dtype: ScalarType.Bool, device: labels.device).logical_not();
        var positive = same.logical_and(notSelf);
        return positive.unsqueeze(2).logical_and(same.logical_not().unsqueeze(1));
    }

    internal static TripletTuples Detached(Tensor a, Tensor p, Tensor n) => new(
        a.to_type(ScalarType.Int64).contiguous().MoveToOuterDisposeScope(),
        p.to_type(ScalarType.Int64).contiguous().MoveToOuterDisposeScope(),
        n.to_type(ScalarType.Int64).contiguous().MoveToOuterDisposeScope());
}
