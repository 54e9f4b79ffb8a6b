namespace Siamese.Net.Data;

/// <summary>
/// Random triplets from a folder-per-class dataset: the anchor's class is chosen uniformly among classes with at
/// least two images, the positive is another image of it, the negative an image of a different class. For online
/// mining inside a batch use <see cref="MPerClassBatchSource"/> instead.
/// </summary>
public sealed class TripletSource : IndexedBatchSource<LabelledBatch>, IImageFileSource
{
    private readonly ImageFolderDataset _dataset;
    private readonly ImageStore _images;
    private readonly BatchOptions _options;
    private readonly int _tripletsPerEpoch;
    private readonly int[] _anchorClasses;
    private readonly int[] _anyClasses;

    /// <summary>Creates the source.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="images">Loads and preprocesses the images.</param>
    /// <param name="options">Batch size, seed, augmentation.</param>
    /// <param name="tripletsPerEpoch">Triplets per epoch.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tripletsPerEpoch"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">The dataset has one class, or no class with two images.</exception>
    public TripletSource(ImageFolderDataset dataset, ImageStore images, BatchOptions options, int tripletsPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(tripletsPerEpoch, 1);
        ClassSampling.RequirePairable(dataset, "a triplet source");
        _dataset = dataset;
        _images = images;
        _options = options;
        _tripletsPerEpoch = tripletsPerEpoch;
        _anchorClasses = ClassSampling.ClassesWithAtLeast(dataset, 2);
        _anyClasses = ClassSampling.ClassesWithAtLeast(dataset, 1);
    }

    /// <inheritdoc />
    public override int BatchesPerEpoch => (_tripletsPerEpoch + _options.BatchSize - 1) / _options.BatchSize;

    /// <inheritdoc />
    protected override LabelledBatch BuildBatch(int epoch, int batchIndex)
    {
        int count = Math.Min(_options.BatchSize, _tripletsPerEpoch - (batchIndex * _options.BatchSize));
        var random = SeedStreams.Random(_options.Seed, 0x7319, epoch, batchIndex);
        var paths = new string[3][];
        for (int k = 0; k < 3; k++)
        {
            paths[k] = new string[count];
        }

        var byClass = _dataset.ImagesByClass;
        for (int i = 0; i < count; i++)
        {
            int c = _anchorClasses[random.Next(_anchorClasses.Length)];
            var (a, p) = ClassSampling.TwoDistinct(byClass[c], random);
            int nc = ClassSampling.OtherClass(_anyClasses, c, random);
            int n = byClass[nc][random.Next(byClass[nc].Length)];
            paths[0][i] = _dataset.Images[a].Path;
            paths[1][i] = _dataset.Images[p].Path;
            paths[2][i] = _dataset.Images[n].Path;
        }

        var aug = _options.Augmentation;
        var tensors = new TorchSharp.torch.Tensor[3];
        for (int k = 0; k < 3; k++)
        {
            tensors[k] = _images.LoadBatch(paths[k], aug, aug is null ? null : SeedStreams.Random(_options.Seed, 0xA07, epoch, batchIndex, k));
        }

        return LabelledBatch.FromTriplets(tensors[0], tensors[1], tensors[2]);
    }

    /// <inheritdoc />
    protected override IEnumerable<IDisposable> BatchTensors(LabelledBatch batch) => batch.Disposables();

    /// <inheritdoc />
    public IEnumerable<string> ImagePaths => _dataset.Images.Select(i => i.Path);

    /// <inheritdoc />
    public Imaging.IImageDecoder Decoder => _images.Decoder;
}
