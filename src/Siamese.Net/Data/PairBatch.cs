using static TorchSharp.torch;

namespace Siamese.Net.Data;

/// <summary>A batch of image pairs with typed targets. Owns its tensors.</summary>
/// <param name="First">First images of each pair [N, C, H, W].</param>
/// <param name="Second">Second images of each pair [N, C, H, W].</param>
/// <param name="Targets">Whether each pair is a same pair.</param>
public sealed record PairBatch(Tensor First, Tensor Second, PairTargets Targets) : IDisposable
{
    /// <summary>Number of pairs.</summary>
    public long Count => First.shape[0];

    /// <inheritdoc />
    public void Dispose()
    {
        First.Dispose();
        Second.Dispose();
        Targets.Dispose();
    }
}
