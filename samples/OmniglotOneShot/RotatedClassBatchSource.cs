using Siamese.Net.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace OmniglotOneShot;

/// <summary>
/// M-per-class training batches from images held in memory, where each character rotated by 0, 90, 180 or 270
/// degrees is its own class (Santoro et al. 2016; Snell et al. 2017): a rotated character is a plausible new
/// character, and quadrupling the classes is what lifts a Conv-4 embedding to ~95%+ on unseen alphabets.
/// </summary>
/// <remarks>
/// At 28x28 the whole background set is 19,280 x 784 floats (60 MB), so decoding every PNG once and sampling tensors
/// makes a training step cost the network alone; the library's <see cref="MPerClassBatchSource"/> re-reads files.
/// Batch <c>b</c> of epoch <c>e</c> is a pure function of (seed, e, b), as <see cref="IBatchSource{TBatch}"/> requires
/// for exact resume.
/// </remarks>
public sealed class RotatedClassBatchSource : IBatchSource<LabelledBatch>, IDisposable
{
    private readonly Tensor _images;
    private readonly int[][] _imagesByClass;
    private readonly int _rotations;
    private readonly int _classesPerBatch;
    private readonly int _imagesPerClass;
    private readonly int _seed;

    /// <summary>Creates the source; it takes ownership of <paramref name="images"/>.</summary>
    /// <param name="images">All training images [N, C, H, W] (H = W, so rotations keep the shape).</param>
    /// <param name="classIds">The character of each image, 0-based.</param>
    /// <param name="classesPerBatch">P: (character, rotation) classes per batch.</param>
    /// <param name="imagesPerClass">M: images per class in a batch.</param>
    /// <param name="batchesPerEpoch">Batches per epoch.</param>
    /// <param name="useRotations">Whether rotated characters are extra classes.</param>
    /// <param name="seed">Seed of the draws.</param>
    public RotatedClassBatchSource(Tensor images, IReadOnlyList<int> classIds, int classesPerBatch, int imagesPerClass, int batchesPerEpoch, bool useRotations, int seed)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(classIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(classesPerBatch, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(imagesPerClass, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchesPerEpoch, 1);
        if (images.dim() != 4 || images.shape[0] != classIds.Count || images.shape[2] != images.shape[3])
        {
            throw new ArgumentException($"Expected square images [N, C, S, S] with N = {classIds.Count} labels; got [{string.Join(", ", images.shape)}].", nameof(images));
        }

        _imagesByClass = classIds.Select((c, i) => (c, i)).GroupBy(x => x.c).OrderBy(g => g.Key).Select(g => g.Select(x => x.i).ToArray()).ToArray();
        _rotations = useRotations ? 4 : 1;
        if (_imagesByClass.Length * _rotations < classesPerBatch)
        {
            throw new ArgumentException($"A batch of {classesPerBatch} classes needs that many; there are {_imagesByClass.Length * _rotations}.", nameof(classesPerBatch));
        }

        _images = images;
        _classesPerBatch = classesPerBatch;
        _imagesPerClass = imagesPerClass;
        _seed = seed;
        BatchesPerEpoch = batchesPerEpoch;
    }

    /// <summary>Training classes: characters times rotations.</summary>
    public int ClassCount => _imagesByClass.Length * _rotations;

    /// <inheritdoc />
    public int BatchesPerEpoch { get; }

    /// <inheritdoc />
    public IEnumerable<LabelledBatch> ReadEpoch(int epoch, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        for (int b = 0; b < BatchesPerEpoch; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return ReadBatch(epoch, b);
        }
    }

    /// <summary>Builds batch <paramref name="batchIndex"/> of <paramref name="epoch"/>, grouped by class.</summary>
    public LabelledBatch ReadBatch(int epoch, int batchIndex)
    {
        // SeedStreams, not HashCode.Combine: .NET randomises the latter per process, which broke resuming in a new process.
        var random = SeedStreams.Random(_seed, 0x0A11, epoch, batchIndex);
        int[] classes = Sample(ClassCount, _classesPerBatch, random);
        using var scope = torch.NewDisposeScope();
        var parts = new List<Tensor>(classes.Length);
        var labels = new long[classes.Length * _imagesPerClass];
        for (int i = 0; i < classes.Length; i++)
        {
            int character = classes[i] / _rotations;
            int rotation = classes[i] % _rotations;
            var members = _imagesByClass[character];
            var picked = members.Length >= _imagesPerClass
                ? Sample(members.Length, _imagesPerClass, random).Select(k => (long)members[k]).ToArray()
                : Enumerable.Range(0, _imagesPerClass).Select(_ => (long)members[random.Next(members.Length)]).ToArray();
            var group = _images.index_select(0, torch.tensor(picked));
            parts.Add(rotation == 0 ? group : group.rot90(rotation, (2, 3)));
            Array.Fill(labels, classes[i], i * _imagesPerClass, _imagesPerClass);
        }

        var batch = new LabelledBatch(torch.cat(parts, 0).contiguous(), torch.tensor(labels));
        scope.Detach(batch.Disposables());
        return batch;
    }

    /// <inheritdoc />
    public void Dispose() => _images.Dispose();

    /// <summary><paramref name="count"/> distinct values from 0..<paramref name="range"/>-1 (partial Fisher-Yates).</summary>
    private static int[] Sample(int range, int count, Random random)
    {
        var all = Enumerable.Range(0, range).ToArray();
        for (int i = 0; i < count; i++)
        {
            int j = random.Next(i, range);
            (all[i], all[j]) = (all[j], all[i]);
        }

        return all[..count];
    }
}
