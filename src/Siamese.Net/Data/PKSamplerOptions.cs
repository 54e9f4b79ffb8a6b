namespace Siamese.Net.Data;

/// <summary>
/// The shape of a <see cref="PKSampler"/>'s batches: P classes with K items each, and the seed of the draws. Checked
/// by <see cref="Validate"/> (called by the sampler) naming the option and its value.
/// </summary>
public sealed record PKSamplerOptions
{
    /// <summary>P, classes per batch (default 8); at least 2, so that every batch has a negative.</summary>
    public int ClassesPerBatch { get; init; } = 8;

    /// <summary>K, items of each class per batch (default 4); at least 1 (at least 2 for pair and triplet losses).</summary>
    public int ItemsPerClass { get; init; } = 4;

    /// <summary>Seed of the draws (default 0). Same seed, epoch and batch index, same items.</summary>
    public int Seed { get; init; }

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">P or K is too small (the message names it and its value).</exception>
    public void Validate()
    {
        Guard.AtLeast(ClassesPerBatch, 2, nameof(ClassesPerBatch));
        Guard.AtLeast(ItemsPerClass, 1, nameof(ItemsPerClass));
    }
}
