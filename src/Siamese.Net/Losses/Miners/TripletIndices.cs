using static TorchSharp.torch;

namespace Siamese.Net.Losses.Miners;

/// <summary>
/// Triplets mined from a batch, as three aligned Int64 index tensors [T] into the batch's embeddings: row t is the
/// triplet (anchor <c>Anchors[t]</c>, positive <c>Positives[t]</c>, negative <c>Negatives[t]</c>). Owns the tensors.
/// </summary>
/// <param name="Anchors">Anchor indices [T].</param>
/// <param name="Positives">Positive indices [T] (same class as the anchor, not the anchor itself).</param>
/// <param name="Negatives">Negative indices [T] (another class than the anchor).</param>
public sealed record TripletIndices(Tensor Anchors, Tensor Positives, Tensor Negatives) : IDisposable
{
    /// <summary>Number of triplets T.</summary>
    public long Count => Anchors.shape[0];

    /// <summary>The triplets as (anchor, positive, negative) tuples (copies from the device).</summary>
    public IReadOnlyList<(long Anchor, long Positive, long Negative)> ToList()
    {
        var a = Anchors.cpu().data<long>().ToArray();
        var p = Positives.cpu().data<long>().ToArray();
        var n = Negatives.cpu().data<long>().ToArray();
        return a.Select((anchor, i) => (anchor, p[i], n[i])).ToArray();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Anchors.Dispose();
        Positives.Dispose();
        Negatives.Dispose();
    }
}
