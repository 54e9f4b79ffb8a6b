using Siamese.Net.Data;
using static TorchSharp.torch;

namespace Siamese.Net.Samples.Common.Baselines;

/// <summary>The raw-pixel baseline's rows: each image as the network sees it (preprocessed), flattened.</summary>
public static class RawPixels
{
    /// <summary>Rows [N, C x H x W] of the preprocessed images of <paramref name="paths"/>, in order (the caller disposes them).</summary>
    /// <param name="images">The store with the network's preprocessing.</param>
    /// <param name="paths">The image files.</param>
    /// <returns>The rows.</returns>
    public static Tensor Of(ImageStore images, IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(paths);
        using var scope = NewDisposeScope();
        return stack([.. paths.Select(p => images.Load(p).flatten())]).MoveToOuterDisposeScope();
    }
}
