using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// Positive pairs (<see cref="PositiveFirst"/>[i], <see cref="PositiveSecond"/>[i]) and negative pairs
/// (<see cref="NegativeFirst"/>[j], <see cref="NegativeSecond"/>[j]) as Int64 indices into a batch: the
/// <c>(a1, p, a2, n)</c> tuple of pytorch-metric-learning. Owns its tensors.
/// </summary>
/// <param name="PositiveFirst">First image of each positive (same class) pair [P].</param>
/// <param name="PositiveSecond">Second image of each positive pair [P].</param>
/// <param name="NegativeFirst">First image of each negative (different class) pair [M].</param>
/// <param name="NegativeSecond">Second image of each negative pair [M].</param>
public sealed record PairTuples(Tensor PositiveFirst, Tensor PositiveSecond, Tensor NegativeFirst, Tensor NegativeSecond) : IndexTuples
{
    /// <summary>Number of positive pairs.</summary>
    public long PositiveCount => PositiveFirst.shape[0];

    /// <summary>Number of negative pairs.</summary>
    public long NegativeCount => NegativeFirst.shape[0];

    /// <inheritdoc />
    public override long Count => PositiveCount + NegativeCount;

    /// <summary>
    /// The pairs of a batch of 2N images laid out as N first images then N second images, pair i being
    /// (i, N + i) and same or different as <paramref name="targets"/> says: what a pair source yields.
    /// </summary>
    /// <param name="targets">Whether each pair is a same pair [N].</param>
    /// <returns>The pair tuples (the caller disposes them).</returns>
    public static PairTuples FromPairTargets(PairTargets targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        using var scope = NewDisposeScope();
        var same = targets.IsSame.cpu();
        long n = same.shape[0];
        var first = arange(n, dtype: ScalarType.Int64);
        var second = first + n;
        var positive = same.nonzero().squeeze(1);
        var negative = same.logical_not().nonzero().squeeze(1);
        return Detached(first.index_select(0, positive), second.index_select(0, positive), first.index_select(0, negative), second.index_select(0, negative));
    }

    /// <summary>Every ordered pair (i, j), i ≠ j, of a labelled batch: same labels positive, different labels negative.</summary>
    /// <param name="labels">Class ids [N].</param>
    /// <returns>The pair tuples (the caller disposes them).</returns>
    public static PairTuples AllPairs(Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        long n = labels.shape[0];
        var same = labels.unsqueeze(1).eq(labels.unsqueeze(0));
        var notSelf = eye(n, dtype: ScalarType.Bool, device: labels.device).logical_not();
        var positive = same.logical_and(notSelf).nonzero();
        var negative = same.logical_not().nonzero();
        return Detached(positive[.., 0], positive[.., 1], negative[.., 0], negative[.., 1]);
    }

    /// <summary>
    /// The distances (or similarities) of the positive and of the negative pairs under <paramref name="distance"/>:
    /// what pair losses, validation and pair scoring all start from.
    /// </summary>
    /// <param name="embeddings">The batch's embeddings [N, D], on the device of these indices.</param>
    /// <param name="distance">The distance or similarity.</param>
    /// <returns>Positive-pair values [P] and negative-pair values [M], in the caller's dispose scope.</returns>
    public (Tensor Positive, Tensor Negative) Distances(Tensor embeddings, Distances.IDistance distance)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(distance);
        return (distance.Pairwise(embeddings.index_select(0, PositiveFirst), embeddings.index_select(0, PositiveSecond)),
            distance.Pairwise(embeddings.index_select(0, NegativeFirst), embeddings.index_select(0, NegativeSecond)));
    }

    /// <inheritdoc />
    public override PairTuples ToPairs() => new(PositiveFirst.clone(), PositiveSecond.clone(), NegativeFirst.clone(), NegativeSecond.clone());

    /// <inheritdoc />
    public override TripletTuples ToTriplets()
    {
        using var scope = NewDisposeScope();
        // Every positive pair joins every negative pair that shares its first image (the anchor).
        var sharesAnchor = PositiveFirst.unsqueeze(1).eq(NegativeFirst.unsqueeze(0)).nonzero();
        var p = sharesAnchor[.., 0];
        var m = sharesAnchor[.., 1];
        return TripletTuples.Detached(PositiveFirst.index_select(0, p), PositiveSecond.index_select(0, p), NegativeSecond.index_select(0, m));
    }

    /// <inheritdoc />
    public override IndexTuples ToDevice(Device device) =>
        new PairTuples(PositiveFirst.to(device), PositiveSecond.to(device), NegativeFirst.to(device), NegativeSecond.to(device));

    /// <inheritdoc />
    public override IEnumerable<Tensor> Tensors() => [PositiveFirst, PositiveSecond, NegativeFirst, NegativeSecond];

    /// <inheritdoc />
    public override void Dispose()
    {
        PositiveFirst.Dispose();
        PositiveSecond.Dispose();
        NegativeFirst.Dispose();
        NegativeSecond.Dispose();
    }

    internal static PairTuples Detached(Tensor a1, Tensor p, Tensor a2, Tensor n) => new(
        a1.to_type(ScalarType.Int64).contiguous().MoveToOuterDisposeScope(),
        p.to_type(ScalarType.Int64).contiguous().MoveToOuterDisposeScope(),
        a2.to_type(ScalarType.Int64).contiguous().MoveToOuterDisposeScope(),
        n.to_type(ScalarType.Int64).contiguous().MoveToOuterDisposeScope());
}
