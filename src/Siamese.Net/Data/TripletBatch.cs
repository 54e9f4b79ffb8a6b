using static TorchSharp.torch;

namespace Siamese.Net.Data;

/// <summary>A batch of (anchor, positive, negative) image triplets. Owns its tensors.</summary>
/// <param name="Anchor">Anchor images [N, C, H, W].</param>
/// <param name="Positive">Images of the anchor's class [N, C, H, W], distinct from the anchor.</param>
/// <param name="Negative">Images of another class [N, C, H, W].</param>
public sealed record TripletBatch(Tensor Anchor, Tensor Positive, Tensor Negative) : IDisposable
{
    /// <summary>Number of triplets.</summary>
    public long Count => Anchor.shape[0];

    /// <inheritdoc />
    public void Dispose()
    {
        Anchor.Dispose();
        Positive.Dispose();
        Negative.Dispose();
    }
}
