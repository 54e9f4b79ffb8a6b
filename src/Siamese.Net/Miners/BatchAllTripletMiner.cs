using Siamese.Net.Distances;
using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Miners;

/// <summary>
/// Batch-all mining (Hermans et al. 2017): every valid triplet of the batch, or only the active ones — those that
/// still violate the margin, <c>d(a, p) - d(a, n) + margin &gt; 0</c> — which is the default because easy triplets only
/// dilute the mean.
/// </summary>
public sealed class BatchAllTripletMiner : IMiner
{
    /// <summary>Creates the miner.</summary>
    /// <param name="activeOnly">Keep only triplets that violate <paramref name="margin"/> (default true).</param>
    /// <param name="margin">The margin that decides which triplets are active; use the loss's margin (default 1.0).</param>
    /// <exception cref="ArgumentOutOfRangeException">The margin is negative or not finite.</exception>
    public BatchAllTripletMiner(bool activeOnly = true, double margin = 1.0)
    {
        ActiveOnly = activeOnly;
        Margin = Guard.NonNegative(margin);
    }

    /// <summary>Whether only margin-violating triplets are kept.</summary>
    public bool ActiveOnly { get; }

    /// <summary>The margin of the active test.</summary>
    public double Margin { get; }

    /// <inheritdoc />
    public string Name => ActiveOnly ? "batch-all-active" : "batch-all";

    /// <inheritdoc />
    public IndexTuples Mine(Tensor embeddings, Tensor labels, IDistance distance)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (d, positive, negative) = MinerMasks.Build(embeddings, labels, distance);
        var valid = positive.unsqueeze(2).logical_and(negative.unsqueeze(1));
        if (ActiveOnly)
        {
            valid = valid.logical_and((d.unsqueeze(2) - d.unsqueeze(1)).add(Margin).gt(0));
        }

        var idx = valid.nonzero();
        return TripletTuples.Detached(idx[.., 0], idx[.., 1], idx[.., 2]);
    }
}
