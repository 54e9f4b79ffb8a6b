namespace Siamese.Net.Data;

/// <summary>
/// Settings of a <see cref="RotatedClassBatchSource"/>: P classes × K images per batch, how many quarter-turn
/// rotations make new classes, an optional random shift, and the seed. Every value is checked when it is set.
/// </summary>
public sealed record RotatedClassBatchSourceOptions
{
    private readonly int _classesPerBatch = 60;
    private readonly int _imagesPerClass = 5;
    private readonly int _batchesPerEpoch = 100;
    private readonly int _rotations = 4;
    private readonly int _maxShift;

    /// <summary>P: (character, rotation) classes per batch (default 60, Snell et al.'s 60-way training episodes).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 2.</exception>
    public int ClassesPerBatch
    {
        get => _classesPerBatch;
        init => _classesPerBatch = value >= 2
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ClassesPerBatch), value, "ClassesPerBatch must be at least 2.");
    }

    /// <summary>
    /// K: images of each class per batch (default 5). A character with fewer drawings than K repeats some of them.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int ImagesPerClass
    {
        get => _imagesPerClass;
        init => _imagesPerClass = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ImagesPerClass), value, "ImagesPerClass must be at least 1.");
    }

    /// <summary>Batches per epoch (default 100).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int BatchesPerEpoch
    {
        get => _batchesPerEpoch;
        init => _batchesPerEpoch = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(BatchesPerEpoch), value, "BatchesPerEpoch must be at least 1.");
    }

    /// <summary>
    /// Rotations by 0, 90, 180 and 270 degrees that count as classes of their own (default 4, all of them; 1 = no
    /// rotation classes). Class id of character <c>c</c> (its rank among the dataset's class ids) under <c>r</c>
    /// quarter turns is <c>c × Rotations + r</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [1, 4].</exception>
    public int Rotations
    {
        get => _rotations;
        init => _rotations = value is >= 1 and <= 4
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Rotations), value, "Rotations must be in [1, 4].");
    }

    /// <summary>
    /// Largest random translation, in pixels along each axis, applied to every drawn image (default 0 = none); the
    /// uncovered border is zero (background after inversion). A cheap augmentation against pen position.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or above 16.</exception>
    public int MaxShift
    {
        get => _maxShift;
        init => _maxShift = value is >= 0 and <= 16
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxShift), value, "MaxShift must be in [0, 16].");
    }

    /// <summary>Seed of the draws (default 0); batches are mixed from it with <see cref="SeedStreams"/>.</summary>
    public int Seed { get; init; }
}
