using Siamese.Net.Distances;
using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Miners;

/// <summary>
/// Chooses index tuples (pairs or triplets) among a batch of labelled embeddings ("online mining"), as
/// pytorch-metric-learning's <c>BaseMiner</c>. One interface for pair and triplet miners: a loss converts what a
/// miner returns to the tuples it needs.
/// </summary>
public interface IMiner
{
    /// <summary>A short name for logs, e.g. <c>"batch-hard"</c>.</summary>
    string Name { get; }

    /// <summary>Mines tuples. Called without gradient: only the chosen indices matter.</summary>
    /// <param name="embeddings">Embeddings [N, D] (detached).</param>
    /// <param name="labels">Integer class ids [N].</param>
    /// <param name="distance">The loss's distance or similarity, so that "hard" means the same to the miner and the loss.</param>
    /// <returns>The mined tuples (possibly none); the caller disposes them.</returns>
    IndexTuples Mine(Tensor embeddings, Tensor labels, IDistance distance);
}
