using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.TestSupport;

/// <summary>
/// The tutorials' view of a pair loss — two aligned embedding batches and their targets — on the one loss contract:
/// the 2N embeddings with the pair tuples a pair source would give.
/// </summary>
internal static class PairLossExtensions
{
    public static Tensor ComputePairs(this MetricLoss loss, Tensor first, Tensor second, PairTargets targets)
    {
        using var tuples = PairTuples.FromPairTargets(targets);
        return loss.Compute(cat([first, second], 0), null, tuples);
    }

    /// <summary>Per-pair values in the loss's item order (positive pairs first, then negative pairs, each in batch order).</summary>
    public static double[] InItemOrder(this IReadOnlyList<double> perPair, PairTargets targets)
    {
        var same = targets.IsSame.cpu().data<bool>().ToArray();
        return Enumerable.Range(0, same.Length).Where(i => same[i]).Concat(Enumerable.Range(0, same.Length).Where(i => !same[i]))
            .Select(i => perPair[i]).ToArray();
    }
}
