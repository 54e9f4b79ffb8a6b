using static TorchSharp.torch;

namespace Siamese.Net.Data;

/// <summary>
/// P×K training batches from square images held in memory, where each character rotated by 0, 90, 180 or 270 degrees
/// is a class of its own (Santoro et al. 2016; Vinyals et al. 2016; Snell et al. 2017): a rotated character is a
/// plausible new character, and quadrupling the classes is the augmentation that takes a Conv-4 embedding to ~95%+ on
/// unseen Omniglot characters.
/// </summary>
/// <remarks>
/// Batch <c>b</c> of epoch <c>e</c> is a pure function of (<see cref="RotatedClassBatchSourceOptions.Seed"/>, e, b)
/// through <see cref="SeedStreams"/>, so it is the same in every process, as exact resume requires;
/// <see cref="Plan"/> gives the draw without building tensors. The classes of a batch are distinct; the K images of a
/// class are distinct when the character has at least K drawings.
/// </remarks>
public sealed class RotatedClassBatchSource : IndexedBatchSource<LabelledBatch>, IPerClassBatchSource<LabelledBatch>
{
    private const long Purpose = 0x0A11;
    private readonly TensorDataset _dataset;
    private readonly RotatedClassBatchSourceOptions _options;
    private readonly int[][] _imagesByCharacter;

    /// <summary>Creates the source.</summary>
    /// <param name="dataset">Square images [N, C, S, S] and their character ids; not owned.</param>
    /// <param name="options">Batch shape, rotations, shift and seed (null = defaults).</param>
    /// <exception cref="ArgumentException">The images are not square, or there are fewer classes than P.</exception>
    public RotatedClassBatchSource(TensorDataset dataset, RotatedClassBatchSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        _options = options ?? new RotatedClassBatchSourceOptions();
        if (dataset.Images.shape[2] != dataset.Images.shape[3])
        {
            throw new ArgumentException($"Rotations keep the shape only of square images; got [{Guard.Shape(dataset.Images)}].", nameof(dataset));
        }

        _imagesByCharacter = dataset.ClassIds.Select((c, i) => (c, i)).GroupBy(x => x.c).OrderBy(g => g.Key)
            .Select(g => g.Select(x => x.i).ToArray()).ToArray();
        if (ClassCount < _options.ClassesPerBatch)
        {
            throw new ArgumentException(
                $"ClassesPerBatch is {_options.ClassesPerBatch} but the dataset has {_imagesByCharacter.Length} characters x {_options.Rotations} rotations = {ClassCount} classes.",
                nameof(options));
        }

        _dataset = dataset;
    }

    /// <summary>Training classes: characters × rotations.</summary>
    public int ClassCount => _imagesByCharacter.Length * _options.Rotations;

    /// <summary>The options in force.</summary>
    public RotatedClassBatchSourceOptions Options => _options;

    /// <inheritdoc />
    public override int BatchesPerEpoch => _options.BatchesPerEpoch;

    /// <inheritdoc />
    public int ImagesPerClass => _options.ImagesPerClass;

    /// <summary>The images of batch <paramref name="batchIndex"/> of <paramref name="epoch"/>, K per class, class by class.</summary>
    /// <param name="epoch">The epoch (0-based).</param>
    /// <param name="batchIndex">The batch (0-based).</param>
    /// <returns>P × K draws.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A negative epoch or a batch index outside the epoch.</exception>
    public IReadOnlyList<RotatedClassDraw> Plan(int epoch, int batchIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if (batchIndex < 0 || batchIndex >= BatchesPerEpoch)
        {
            throw new ArgumentOutOfRangeException(nameof(batchIndex), batchIndex, $"The source has {BatchesPerEpoch} batches per epoch.");
        }

        // SeedStreams, not HashCode.Combine: .NET randomises the latter per process, which broke resuming in a new process.
        var random = SeedStreams.Random(_options.Seed, Purpose, epoch, batchIndex);
        int k = _options.ImagesPerClass, rotations = _options.Rotations, shift = _options.MaxShift;
        var draws = new List<RotatedClassDraw>(_options.ClassesPerBatch * k);
        foreach (int cls in Sample(ClassCount, _options.ClassesPerBatch, random))
        {
            var members = _imagesByCharacter[cls / rotations];
            var picked = members.Length >= k
                ? Sample(members.Length, k, random).Select(m => members[m]).ToArray()
                : Enumerable.Range(0, k).Select(_ => members[random.Next(members.Length)]).ToArray();
            foreach (int image in picked)
            {
                int dx = shift == 0 ? 0 : random.Next(-shift, shift + 1);
                int dy = shift == 0 ? 0 : random.Next(-shift, shift + 1);
                draws.Add(new RotatedClassDraw(image, cls % rotations, cls, dx, dy));
            }
        }

        return draws;
    }

    /// <inheritdoc />
    protected override LabelledBatch BuildBatch(int epoch, int batchIndex)
    {
        var draws = Plan(epoch, batchIndex);
        var images = _dataset.Images;
        long side = images.shape[2];
        int shift = _options.MaxShift;
        using var index = tensor(draws.Select(d => (long)d.ImageIndex).ToArray());
        var picked = images.index_select(0, index);
        var parts = new Tensor[draws.Count];
        var padded = shift == 0 ? picked : nn.functional.pad(picked, [shift, shift, shift, shift]);
        for (int i = 0; i < draws.Count; i++)
        {
            var d = draws[i];
            // Cropping the padded image at (shift - dy, shift - dx) moves the content by (dx, dy).
            var image = shift == 0 ? padded[i] : padded[i].narrow(1, shift - d.ShiftY, side).narrow(2, shift - d.ShiftX, side);
            parts[i] = d.Rotation == 0 ? image : image.rot90(d.Rotation, (1, 2));
        }

        return new LabelledBatch(stack(parts, 0).contiguous(), tensor(draws.Select(d => (long)d.ClassId).ToArray()));
    }

    /// <inheritdoc />
    protected override IEnumerable<IDisposable> BatchTensors(LabelledBatch batch) => batch.Disposables();

    /// <summary><paramref name="count"/> distinct values from 0..<paramref name="range"/>-1 (partial Fisher-Yates).</summary>
    private static int[] Sample(int range, int count, Random random)
    {
        var all = new int[range];
        for (int i = 0; i < range; i++)
        {
            all[i] = i;
        }

        for (int i = 0; i < count; i++)
        {
            int j = random.Next(i, range);
            (all[i], all[j]) = (all[j], all[i]);
        }

        return all[..count];
    }
}
