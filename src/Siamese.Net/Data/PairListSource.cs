using TorchSharp;
using static TorchSharp.torch;
using Siamese.Net.Datasets;

namespace Siamese.Net.Data;

/// <summary>
/// Batches of a fixed list of pairs (for example from <see cref="PairCsv"/>), reshuffled every epoch (seeded).
/// The last batch of an epoch may be smaller.
/// </summary>
public sealed class PairListSource : IndexedBatchSource<LabelledBatch>, IImageFileSource
{
    private readonly ImagePair[] _pairs;
    private readonly ImageStore _images;
    private readonly BatchOptions _options;
    private readonly bool _shuffle;
    private readonly EpochPlanCache<int[]> _orders;

    /// <summary>Creates the source.</summary>
    /// <param name="pairs">The pairs; copied.</param>
    /// <param name="images">Loads and preprocesses the images.</param>
    /// <param name="options">Batch size, seed, augmentation.</param>
    /// <param name="shuffle">Shuffle the pairs every epoch (default true; false keeps file order, for evaluation).</param>
    /// <exception cref="ArgumentException">The list is empty or holds an undefined label.</exception>
    public PairListSource(IReadOnlyList<ImagePair> pairs, ImageStore images, BatchOptions options, bool shuffle = true)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(options);
        if (pairs.Count == 0)
        {
            throw new ArgumentException("The pair list is empty.", nameof(pairs));
        }

        for (int i = 0; i < pairs.Count; i++)
        {
            if (pairs[i] is null || !Enum.IsDefined(pairs[i].Label))
            {
                throw new ArgumentException($"pairs[{i}] is null or has an undefined label.", nameof(pairs));
            }
        }

        _pairs = pairs.ToArray();
        _images = images;
        _options = options;
        _shuffle = shuffle;
        _orders = new EpochPlanCache<int[]>(epoch => _shuffle
            ? SeedStreams.Permutation(_pairs.Length, SeedStreams.Random(_options.Seed, 0x9A125, epoch))
            : Enumerable.Range(0, _pairs.Length).ToArray());
    }

    /// <summary>Number of pairs per epoch.</summary>
    public int PairCount => _pairs.Length;

    /// <inheritdoc />
    public override int BatchesPerEpoch => (_pairs.Length + _options.BatchSize - 1) / _options.BatchSize;

    /// <inheritdoc />
    protected override LabelledBatch BuildBatch(int epoch, int batchIndex)
    {
        var order = _orders.Get(epoch);
        int start = batchIndex * _options.BatchSize;
        int count = Math.Min(_options.BatchSize, _pairs.Length - start);
        var first = new string[count];
        var second = new string[count];
        var labels = new PairLabel[count];
        for (int i = 0; i < count; i++)
        {
            var pair = _pairs[order[start + i]];
            first[i] = pair.First;
            second[i] = pair.Second;
            labels[i] = pair.Label;
        }

        return PairBatches.Load(_images, _options, epoch, batchIndex, first, second, labels);
    }

    /// <inheritdoc />
    protected override IEnumerable<IDisposable> BatchTensors(LabelledBatch batch) => batch.Disposables();

    /// <inheritdoc />
    public IEnumerable<string> ImagePaths => _pairs.SelectMany(p => new[] { p.First, p.Second });

    /// <inheritdoc />
    public Imaging.IImageDecoder Decoder => _images.Decoder;
}
