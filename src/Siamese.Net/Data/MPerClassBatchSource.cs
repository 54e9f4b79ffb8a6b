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
    /// <param name="classesPerBatch">P, at least 2 (a negative is needed).</param>
    /// <param name="imagesPerClass">K, at least 1 (2 or more for losses that need positives; the trainer checks).</param>
    /// <param name="seed">Seed of the draws and augmentation.</param>
    /// <param name="augmentation">Training-time augmentation or null.</param>
    /// <param name="batchesPerEpoch">Batches per epoch; by default the image count divided by P x K (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">P is less than 2, K less than 1, or batchesPerEpoch less than 1.</exception>
    /// <exception cref="ArgumentException">Fewer than P classes have at least two images (one image per class gives no positive pair).</exception>
    public MPerClassBatchSource(
        ImageFolderDataset dataset,
        ImageStore images,
        int classesPerBatch,
        int imagesPerClass,
        int seed = 0,
        ImageAugmentation? augmentation = null,
        int? batchesPerEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(classesPerBatch, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(imagesPerClass, 1);
        if (batchesPerEpoch is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchesPerEpoch), batchesPerEpoch, "batchesPerEpoch must be at least 1.");
        }

        _sampler = new PKSampler(dataset.Images.Select(i => i.ClassId).ToArray(), classesPerBatch, imagesPerClass, seed);
        _dataset = dataset;
        _images = images;
        _classesPerBatch = classesPerBatch;
        _imagesPerClass = imagesPerClass;
        _seed = seed;
        _augmentation = augmentation;
        _batchesPerEpoch = batchesPerEpoch ?? Math.Max(1, dataset.Images.Count / (classesPerBatch * imagesPerClass));
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
