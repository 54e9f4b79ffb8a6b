using Siamese.Net.Distances;
using static TorchSharp.torch;

namespace Siamese.Net.Miners;

/// <summary>What every miner starts from: the batch's distance-like matrix and its positive/negative masks.</summary>
internal static class MinerMasks
{
    /// <summary>
    /// Distance-like scores [N, N] (a similarity negated, so smaller = closer for every distance), the positive mask
    /// (same class, not self) and the negative mask (other class).
    /// </summary>
    public static (Tensor Scores, Tensor Positive, Tensor Negative) Build(Tensor embeddings, Tensor labels, IDistance distance)
    {
        Guard.Embeddings(embeddings);
        Guard.Labels(labels, embeddings.shape[0]);
        ArgumentNullException.ThrowIfNull(distance);
        long n = embeddings.shape[0];
        var scores = distance.AsDistance(distance.Matrix(embeddings, embeddings));
        var ids = labels.to(embeddings.device);
        var same = ids.unsqueeze(1).eq(ids.unsqueeze(0));
        var notSelf = eye(n, dtype: ScalarType.Bool, device: embeddings.device).logical_not();
        return (scores, same.logical_and(notSelf), same.logical_not());
    }
}
