using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Losses.Miners;

/// <summary>
/// Batch-all mining (Hermans, Beyer and Leibe, 2017): every valid triplet of the batch — each anchor with each of its
/// positives and each negative.
/// </summary>
/// <remarks>
/// With <see cref="ActiveOnly"/> (the default) only triplets that violate the margin
/// (<c>d(a, p) - d(a, n) + margin &gt; 0</c>) are kept, so a mean over them is the "batch-all, average over non-zero
/// losses" of the paper instead of being diluted by the many easy triplets. The miner builds an [N, N, N] mask:
/// fine for batches of a few hundred.
/// </remarks>
public sealed class BatchAllTripletMiner : ITripletMiner
{
    /// <summary>Creates the miner.</summary>
    /// <param name="activeOnly">Keep only triplets with a positive loss.</param>
    public BatchAllTripletMiner(bool activeOnly = true) => ActiveOnly = activeOnly;

    /// <summary>Whether triplets that already satisfy the margin are dropped.</summary>
    public bool ActiveOnly { get; }

    /// <inheritdoc />
    public string Name => "batch-all";

    /// <inheritdoc />
    public TripletIndices Mine(Tensor distances, Tensor classIds, double margin)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (positive, negative) = MinerMasks.Build(distances, classIds);
        var valid = positive.unsqueeze(2).logical_and(negative.unsqueeze(1));
        if (ActiveOnly)
        {
            var d = distances.detach();
            var loss = d.unsqueeze(2) - d.unsqueeze(1) + margin;
            valid = valid.logical_and(loss.gt(0));
        }

        var idx = valid.nonzero();
        return MinerMasks.FromColumns(idx[.., 0], idx[.., 1], idx[.., 2]);
    }
}
