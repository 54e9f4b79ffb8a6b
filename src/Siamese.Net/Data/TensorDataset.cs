using static TorchSharp.torch;

namespace Siamese.Net.Data;

/// <summary>
/// Labelled images that are already tensors in memory (decoded once, generated, or augmented copies such as
/// rotated Omniglot characters as new classes). Owns its tensors; batches are copies, so it can be read from several
/// threads at once.
/// </summary>
public sealed class TensorDataset : IDisposable
{
    private bool _disposed;

    /// <summary>Creates the dataset.</summary>
    /// <param name="images">Images [N, C, H, W]; the dataset keeps this tensor and disposes it.</param>
    /// <param name="classIds">The class id of each image (N non-negative integers).</param>
    /// <exception cref="ArgumentException">The shapes do not match or a class id is negative.</exception>
    public TensorDataset(Tensor images, IReadOnlyList<int> classIds)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(classIds);
        if (images.dim() != 4 || images.shape[0] != classIds.Count)
        {
            throw new ArgumentException($"images must be [N, C, H, W] with N = {classIds.Count} class ids; got [{Guard.Shape(images)}].", nameof(images));
        }

        int bad = classIds.ToList().FindIndex(c => c < 0);
        if (bad >= 0)
        {
            throw new ArgumentException($"Class id of image {bad} is negative ({classIds[bad]}).", nameof(classIds));
        }

        Images = images;
        ClassIds = classIds.ToArray();
    }

    /// <summary>The images [N, C, H, W].</summary>
    public Tensor Images { get; }

    /// <summary>The class id of each image.</summary>
    public IReadOnlyList<int> ClassIds { get; }

    /// <summary>Number of images.</summary>
    public int Count => ClassIds.Count;

    /// <summary>A labelled batch of the given images (copies; the caller disposes it).</summary>
    /// <param name="indices">Image indices.</param>
    /// <returns>The batch.</returns>
    /// <exception cref="ObjectDisposedException">The dataset was disposed.</exception>
    public LabelledBatch Batch(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var index = tensor(indices.Select(i => (long)i).ToArray());
        var labels = tensor(indices.Select(i => (long)ClassIds[i]).ToArray());
        return new LabelledBatch(Images.index_select(0, index), labels);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Images.Dispose();
    }
}
