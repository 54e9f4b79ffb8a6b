using static TorchSharp.torch;

namespace Siamese.Net.Data;

/// <summary>A batch of images with integer class ids, as metric losses and miners consume. Owns its tensors.</summary>
/// <param name="Images">Images [N, C, H, W].</param>
/// <param name="ClassIds">Class ids [N], Int64. Only equality between ids matters.</param>
public sealed record LabelledBatch(Tensor Images, Tensor ClassIds) : IDisposable
{
    /// <summary>Number of images.</summary>
    public long Count => Images.shape[0];

    /// <inheritdoc />
    public void Dispose()
    {
        Images.Dispose();
        ClassIds.Dispose();
    }
}
