using Siamese.Net.Imaging;

namespace Siamese.Net.Data;

/// <summary>
/// What an <see cref="EpisodeSource"/> draws: N-way K-shot episodes with a number of queries per class. Checked by
/// <see cref="Validate"/> (called by the source) naming the option and its value.
/// </summary>
public sealed record EpisodeOptions
{
    /// <summary>N, classes per episode (default 5); at least 2.</summary>
    public int Ways { get; init; } = 5;

    /// <summary>K, support images per class (default 1); at least 1.</summary>
    public int Shots { get; init; } = 1;

    /// <summary>Query images per class (default 1); at least 1.</summary>
    public int QueriesPerClass { get; init; } = 1;

    /// <summary>Episodes per epoch (default 100); at least 1.</summary>
    public int EpisodesPerEpoch { get; init; } = 100;

    /// <summary>Seed of the draws and the augmentation (default 0). Same seed and epoch, same episodes.</summary>
    public int Seed { get; init; }

    /// <summary>Augmentation, or null (the default, as for evaluation) for none.</summary>
    public ImageAugmentation? Augmentation { get; init; }

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is below its minimum (the message names it and its value).</exception>
    public void Validate()
    {
        Guard.AtLeast(Ways, 2, nameof(Ways));
        Guard.AtLeast(Shots, 1, nameof(Shots));
        Guard.AtLeast(QueriesPerClass, 1, nameof(QueriesPerClass));
        Guard.AtLeast(EpisodesPerEpoch, 1, nameof(EpisodesPerEpoch));
    }
}
