using Siamese.Net.Data;
using Siamese.Net.Imaging;
using TorchSharp;

namespace Siamese.Net.Samples.SignatureVerification;

/// <summary>
/// Training pairs for one epoch: a fresh seeded draw of <c>pairsPerEpoch</c> pairs from the list (all of them,
/// reshuffled, when it asks for as many or more). Batch <c>b</c> of epoch <c>e</c> depends only on (seed, e, b), so
/// the trainer's resume and the background loader see the same batches.
/// </summary>
internal sealed class PairDrawSource : IndexedBatchSource<LabelledBatch>
{
    private readonly ImagePair[] _pairs;
    private readonly ImageStore _images;
    private readonly int _batchSize;
    private readonly int _pairsPerEpoch;
    private readonly int _seed;
    private readonly ImageAugmentation? _augmentation;
    private readonly Lock _gate = new();
    private (int Epoch, int[] Order)? _plan;

    public PairDrawSource(IReadOnlyList<ImagePair> pairs, ImageStore images, int batchSize, int pairsPerEpoch, int seed, ImageAugmentation? augmentation)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentOutOfRangeException.ThrowIfZero(pairs.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pairsPerEpoch, 1);
        _pairs = [.. pairs];
        _images = images;
        _batchSize = batchSize;
        _pairsPerEpoch = Math.Min(pairsPerEpoch, _pairs.Length);
        _seed = seed;
        _augmentation = augmentation;
    }

    public int PairsPerEpoch => _pairsPerEpoch;

    public override int BatchesPerEpoch => (_pairsPerEpoch + _batchSize - 1) / _batchSize;

    protected override LabelledBatch BuildBatch(int epoch, int batchIndex)
    {
        int[] order = Order(epoch);
        int start = batchIndex * _batchSize;
        int count = Math.Min(_batchSize, _pairsPerEpoch - start);
        var first = new string[count];
        var second = new string[count];
        var labels = new PairLabel[count];
        for (int i = 0; i < count; i++)
        {
            var pair = _pairs[order[start + i]];
            (first[i], second[i], labels[i]) = (pair.First, pair.Second, pair.Label);
        }

        var a = _images.LoadBatch(first, _augmentation, _augmentation is null ? null : Random(epoch, batchIndex, 0));
        var b = _images.LoadBatch(second, _augmentation, _augmentation is null ? null : Random(epoch, batchIndex, 1));
        using var targets = PairTargets.FromLabels(labels);
        return LabelledBatch.FromPairs(a, b, targets);
    }

    protected override IEnumerable<IDisposable> BatchTensors(LabelledBatch batch) => batch.Disposables();

    private int[] Order(int epoch)
    {
        lock (_gate)
        {
            if (_plan is { } plan && plan.Epoch == epoch)
            {
                return plan.Order;
            }

            var order = Enumerable.Range(0, _pairs.Length).ToArray();
            Random(epoch, -1, 2).Shuffle(order);
            _plan = (epoch, order);
            return order;
        }
    }

#pragma warning disable CA5394 // Not security: reproducible sampling and augmentation.
    private Random Random(int epoch, int batchIndex, int stream) => SeedStreams.Random(_seed, epoch, batchIndex, stream);
#pragma warning restore CA5394
}
