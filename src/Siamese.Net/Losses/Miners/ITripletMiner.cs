using static TorchSharp.torch;

namespace Siamese.Net.Losses.Miners;

/// <summary>
/// Chooses triplets (anchor, positive, negative) among a batch of labelled embeddings ("online mining").
/// </summary>
public interface ITripletMiner
{
    /// <summary>A short name for logs, e.g. <c>"batch-hard"</c>.</summary>
    string Name { get; }

    /// <summary>Mines triplets. Runs without gradient: only the chosen indices matter.</summary>
    /// <param name="distances">Distances between all embeddings of the batch [N, N].</param>
    /// <param name="classIds">Integer class ids [N].</param>
    /// <param name="margin">The triplet loss margin (semi-hard mining and active-only filtering use it).</param>
    /// <returns>The mined triplets; possibly none.</returns>
    TripletIndices Mine(Tensor distances, Tensor classIds, double margin);
}
