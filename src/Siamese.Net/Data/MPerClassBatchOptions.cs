using Siamese.Net.Imaging;

namespace Siamese.Net.Data;

/// <summary>
/// What an <see cref="MPerClassBatchSource"/> draws: P classes with K images each per batch. Checked by
/// <see cref="Validate"/> (called by the source) naming the option and its value.
/// </summary>
public sealed record MPerClassBatchOptions
{
    /// <summary>P, classes per batch (default 8); at least 2, so that every batch has a negative.</summary>
    public int ClassesPerBatch { get; init; } = 8;

    /// <summary>K, images of each class per batch (default 4); at least 1 (2 or more for losses that need positives; the trainer checks).</summary>
    public int ImagesPerClass { get; init; } = 4;

    /// <summary>Batches per epoch; null (the default) for the image count divided by P × K (at least 1).</summary>
    public int? BatchesPerEpoch { get; init; }

    /// <summary>Seed of the draws and the augmentation (default 0). Same seed and epoch, same batches.</summary>
    public int Seed { get; init; }

    /// <summary>Training-time augmentation, or null (the default) for none.</summary>
    public ImageAugmentation? Augmentation { get; init; }

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is below its minimum (the message names it and its value).</exception>
    public void Validate()
    {
        Guard.AtLeast(ClassesPerBatch, 2, nameof(ClassesPerBatch));
        Guard.AtLeast(ImagesPerClass, 1, nameof(ImagesPerClass));
        if (BatchesPerEpoch is { } batches)
        {
            Guard.AtLeast(batches, 1, nameof(BatchesPerEpoch));
        }
    }
}
