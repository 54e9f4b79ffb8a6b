
namespace Siamese.Net.Data;

/// <summary>
/// Every image of a dataset once per epoch, reshuffled each epoch (seeded), with its class id: input for metric
/// losses or for embedding a gallery. The last batch may be smaller.
/// </summary>
public sealed class LabelledBatchSource : IndexedBatchSource<LabelledBatch>, IImageFileSource
{
    private readonly ImageFolderDataset _dataset;
    private readonly ImageStore _images;
    private readonly BatchOptions _options;
    private readonly EpochPlanCache<int[]> _orders;

    /// <summary>Creates the source.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="images">Loads and preprocesses the images.</param>
    /// <param name="options">Batch size, seed, augmentation.</param>
    /// <param name="shuffle">Shuffle every epoch (default true); false keeps dataset order.</param>
    /// <exception cref="ArgumentException">The dataset has no image.</exception>
    public LabelledBatchSource(ImageFolderDataset dataset, ImageStore images, BatchOptions options, bool shuffle = true)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(options);
        if (dataset.Images.Count == 0)
        {
            throw new ArgumentException($"{dataset.Root}: the dataset has no image.", nameof(dataset));
        }

        _dataset = dataset;
        _images = images;
        _options = options;
        _orders = new EpochPlanCache<int[]>(epoch => shuffle
            ? SeedStreams.Permutation(_dataset.Images.Count, SeedStreams.Random(_options.Seed, 0x1AB, epoch))
            : Enumerable.Range(0, _dataset.Images.Count).ToArray());
    }

    /// <inheritdoc />
    public override int BatchesPerEpoch => (_dataset.Images.Count + _options.BatchSize - 1) / _options.BatchSize;

    /// <inheritdoc />
    protected override LabelledBatch BuildBatch(int epoch, int batchIndex)
    {
        var order = _orders.Get(epoch);
        int start = batchIndex * _options.BatchSize;
        int count = Math.Min(_options.BatchSize, order.Length - start);
        var chosen = new int[count];
        Array.Copy(order, start, chosen, 0, count);
        return LabelledBatches.Load(_dataset, _images, _options.Augmentation, _options.Seed, epoch, batchIndex, chosen);
    }

    /// <inheritdoc />
    protected override IEnumerable<IDisposable> BatchTensors(LabelledBatch batch) => batch.Disposables();

    /// <inheritdoc />
    public IEnumerable<string> ImagePaths => _dataset.Images.Select(i => i.Path);

    /// <inheritdoc />
    public Imaging.IImageDecoder Decoder => _images.Decoder;
}
