using Siamese.Net.Imaging;

namespace Siamese.Net.Data;

/// <summary>Batching and randomness settings shared by the dataset sources.</summary>
public sealed record BatchOptions
{
    private readonly int _batchSize = 32;

    /// <summary>Items (pairs, triplets, images) per batch (default 32).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int BatchSize
    {
        get => _batchSize;
        init => _batchSize = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "BatchSize must be at least 1.");
    }

    /// <summary>Seed of every shuffle, draw and augmentation. Same seed and epoch, same batches.</summary>
    public int Seed { get; init; }

    /// <summary>Training-time augmentation, or null (default) for none, as for validation data.</summary>
    public ImageAugmentation? Augmentation { get; init; }
}
