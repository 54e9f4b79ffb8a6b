namespace Siamese.Net.Data;

/// <summary>
/// Random same/different pairs drawn from a folder-per-class dataset, exactly half same and half different in every
/// batch (an odd batch gets its extra pair alternately). A same pair is two distinct images of a class chosen
/// uniformly among classes with at least two images; a different pair is one image from each of two distinct
/// classes chosen uniformly. Fresh pairs every epoch, fixed by (seed, epoch, batch).
/// </summary>
public sealed class BalancedPairSource : IndexedBatchSource<LabelledBatch>, IImageFileSource
{
    private readonly ImageFolderDataset _dataset;
    private readonly ImageStore _images;
    private readonly BatchOptions _options;
    private readonly int _pairsPerEpoch;
    private readonly int[] _sameClasses;
    private readonly int[] _anyClasses;

    /// <summary>Creates the source.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="images">Loads and preprocesses the images.</param>
    /// <param name="options">Batch size, seed, augmentation.</param>
    /// <param name="pairsPerEpoch">Pairs per epoch; the last batch may be smaller.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pairsPerEpoch"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">The dataset has one class, or no class with two images.</exception>
    public BalancedPairSource(ImageFolderDataset dataset, ImageStore images, BatchOptions options, int pairsPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(pairsPerEpoch, 1);
        ClassSampling.RequirePairable(dataset, "a same/different pair source");
        _dataset = dataset;
        _images = images;
        _options = options;
        _pairsPerEpoch = pairsPerEpoch;
        _sameClasses = ClassSampling.ClassesWithAtLeast(dataset, 2);
        _anyClasses = ClassSampling.ClassesWithAtLeast(dataset, 1);
    }

    /// <inheritdoc />
    public override int BatchesPerEpoch => (_pairsPerEpoch + _options.BatchSize - 1) / _options.BatchSize;

    /// <inheritdoc />
    protected override LabelledBatch BuildBatch(int epoch, int batchIndex)
    {
        int count = Math.Min(_options.BatchSize, _pairsPerEpoch - (batchIndex * _options.BatchSize));
        var random = SeedStreams.Random(_options.Seed, 0xBA1, epoch, batchIndex);
        var labels = new PairLabel[count];
        int same = (count / 2) + (count % 2 == 1 && batchIndex % 2 == 0 ? 1 : 0);
        for (int i = 0; i < count; i++)
        {
            labels[i] = i < same ? PairLabel.Same : PairLabel.Different;
        }

        random.Shuffle(labels);
        var first = new string[count];
        var second = new string[count];
        var byClass = _dataset.ImagesByClass;
        for (int i = 0; i < count; i++)
        {
            int a, b;
            if (labels[i] == PairLabel.Same)
            {
                (a, b) = ClassSampling.TwoDistinct(byClass[_sameClasses[random.Next(_sameClasses.Length)]], random);
            }
            else
            {
                int c1 = _anyClasses[random.Next(_anyClasses.Length)];
                int c2 = ClassSampling.OtherClass(_anyClasses, c1, random);
                a = byClass[c1][random.Next(byClass[c1].Length)];
                b = byClass[c2][random.Next(byClass[c2].Length)];
            }

            first[i] = _dataset.Images[a].Path;
            second[i] = _dataset.Images[b].Path;
        }

        return PairBatches.Load(_images, _options, epoch, batchIndex, first, second, labels);
    }

    /// <inheritdoc />
    protected override IEnumerable<IDisposable> BatchTensors(LabelledBatch batch) => batch.Disposables();

    /// <inheritdoc />
    public IEnumerable<string> ImagePaths => _dataset.Images.Select(i => i.Path);

    /// <inheritdoc />
    public Imaging.IImageDecoder Decoder => _images.Decoder;
}
