using Siamese.Net.Imaging;

namespace Siamese.Net.Data;

/// <summary>
/// The P x K sampler for triplet mining (Hermans et al. 2017): each batch holds <c>P</c> distinct classes with
/// <c>K</c> images each, so every anchor has K - 1 positives and (P - 1) K negatives inside the batch. Images are
/// drawn without replacement within a class when it has at least K, with replacement otherwise. Batches are grouped
/// by class ([c1 x K, c2 x K, ...]) and fixed by (seed, epoch, batch).
/// </summary>
public sealed class MPerClassBatchSource : IndexedBatchSource<LabelledBatch>, IPerClassBatchSource<LabelledBatch>, IImageFileSource
{
    private readonly ImageFolderDataset _dataset;
    private readonly ImageStore _images;
    private readonly int _classesPerBatch;
    private readonly int _imagesPerClass;
    private readonly int _seed;
    private readonly ImageAugmentation? _augmentation;
    private readonly int _batchesPerEpoch;
    private readonly PKSampler _sampler;

    /// <summary>Creates the sampler.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="images">Loads and preprocesses the images.</param>
    /// <param name="options">P, K, batches per epoch, seed and augmentation; the defaults when null. Validated here.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it and its value).</exception>
    /// <exception cref="ArgumentException">Fewer than P classes have at least two images (one image per class gives no positive pair).</exception>
    public MPerClassBatchSource(ImageFolderDataset dataset, ImageStore images, MPerClassBatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(images);
        options ??= new MPerClassBatchOptions();
        options.Validate();
        _sampler = new PKSampler(
            dataset.Images.Select(i => i.ClassId).ToArray(),
            new PKSamplerOptions { ClassesPerBatch = options.ClassesPerBatch, ItemsPerClass = options.ImagesPerClass, Seed = options.Seed });
        _dataset = dataset;
        _images = images;
        _classesPerBatch = options.ClassesPerBatch;
        _imagesPerClass = options.ImagesPerClass;
        _seed = options.Seed;
        _augmentation = options.Augmentation;
        _batchesPerEpoch = options.BatchesPerEpoch ?? Math.Max(1, dataset.Images.Count / (options.ClassesPerBatch * options.ImagesPerClass));
    }

    /// <summary>P: classes per batch.</summary>
    public int ClassesPerBatch => _classesPerBatch;

    /// <summary>K: images per class in a batch.</summary>
    public int ImagesPerClass => _imagesPerClass;

    /// <inheritdoc />
    public override int BatchesPerEpoch => _batchesPerEpoch;

    /// <inheritdoc />
    protected override LabelledBatch BuildBatch(int epoch, int batchIndex)
    {
        var chosen = _sampler.Batch(epoch, batchIndex);
        return LabelledBatches.Load(_dataset, _images, _augmentation, _seed, epoch, batchIndex, chosen);
    }

    /// <inheritdoc />
    protected override IEnumerable<IDisposable> BatchTensors(LabelledBatch batch) => batch.Disposables();

    /// <inheritdoc />
    public IEnumerable<string> ImagePaths => _dataset.Images.Select(i => i.Path);

    /// <inheritdoc />
    public Imaging.IImageDecoder Decoder => _images.Decoder;
}
