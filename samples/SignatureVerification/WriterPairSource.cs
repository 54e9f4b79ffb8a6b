using Siamese.Net.Data;
using Siamese.Net.Imaging;
using TorchSharp;

namespace Siamese.Net.Samples.SignatureVerification;

/// <summary>
/// Training pairs drawn afresh each epoch: a share of them from the CSV pairs, the rest made from the training
/// writers' folders, half genuine-genuine pairs of one writer and half different pairs, of which most pair a genuine
/// signature with a skilled forgery of the same writer (the hard negatives the test is about) and the others with a
/// genuine signature of another training writer. sign_data's CSV already lists every same-writer combination; the
/// folder pairs add cross-writer negatives, an exact same/different balance and equal weight per writer (the CSV
/// weights writers by the square of their signature count). Batch <c>b</c> of epoch <c>e</c> depends only on (seed, e, b), so resume and the background loader see the
/// same batches.
/// </summary>
internal sealed class WriterPairSource : IndexedBatchSource<LabelledBatch>
{
    private readonly ImagePair[] _csvPairs;
    private readonly WriterImages[] _writers;
    private readonly ImageStore _images;
    private readonly int _batchSize;
    private readonly int _pairsPerEpoch;
    private readonly int _seed;
    private readonly double _csvShare;
    private readonly double _otherWriterShare;
    private readonly ImageAugmentation? _augmentation;

    public WriterPairSource(
        IReadOnlyList<ImagePair> csvPairs,
        IReadOnlyList<WriterImages> writers,
        ImageStore images,
        int batchSize,
        int pairsPerEpoch,
        int seed,
        double csvShare,
        double otherWriterShare,
        ImageAugmentation? augmentation)
    {
        ArgumentNullException.ThrowIfNull(csvPairs);
        ArgumentNullException.ThrowIfNull(writers);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pairsPerEpoch, 1);
        _csvPairs = [.. csvPairs];
        // A writer needs two genuine signatures for a same pair; forgeries are optional (other writers stand in).
        _writers = writers.Where(w => w.Genuine.Count >= 2).ToArray();
        if (_writers.Length < 2)
        {
            throw new ArgumentException("At least two training writers with two genuine signatures each are needed.", nameof(writers));
        }

        if (csvShare > 0 && _csvPairs.Length == 0)
        {
            throw new ArgumentException("CSV pairs were asked for but the training writers have none.", nameof(csvPairs));
        }

        _images = images;
        _batchSize = batchSize;
        _pairsPerEpoch = pairsPerEpoch;
        _seed = seed;
        _csvShare = csvShare;
        _otherWriterShare = otherWriterShare;
        _augmentation = augmentation;
    }

    public int PairsPerEpoch => _pairsPerEpoch;

    public override int BatchesPerEpoch => (_pairsPerEpoch + _batchSize - 1) / _batchSize;

    /// <summary>The (reference, questioned, label) triples of a batch, without loading images.</summary>
    public IReadOnlyList<(string First, string Second, PairLabel Label)> PlanBatch(int epoch, int batchIndex)
    {
        var random = Random(epoch, batchIndex, 0);
        int count = Math.Min(_batchSize, _pairsPerEpoch - (batchIndex * _batchSize));
        var plan = new (string, string, PairLabel)[count];
        for (int i = 0; i < count; i++)
        {
            plan[i] = random.NextDouble() < _csvShare ? Csv(random) : FromFolders(random, sameWanted: (i & 1) == 0);
        }

        return plan;
    }

    protected override LabelledBatch BuildBatch(int epoch, int batchIndex)
    {
        var plan = PlanBatch(epoch, batchIndex);
        var first = plan.Select(p => p.First).ToArray();
        var second = plan.Select(p => p.Second).ToArray();
        var labels = plan.Select(p => p.Label).ToArray();
        var a = _images.LoadBatch(first, _augmentation, _augmentation is null ? null : Random(epoch, batchIndex, 1));
        var b = _images.LoadBatch(second, _augmentation, _augmentation is null ? null : Random(epoch, batchIndex, 2));
        using var targets = PairTargets.FromLabels(labels);
        return LabelledBatch.FromPairs(a, b, targets);
    }

    protected override IEnumerable<IDisposable> BatchTensors(LabelledBatch batch) => batch.Disposables();

#pragma warning disable CA5394 // Not security: reproducible sampling and augmentation.
    private (string, string, PairLabel) Csv(Random random)
    {
        var pair = _csvPairs[random.Next(_csvPairs.Length)];
        return (pair.First, pair.Second, pair.Label);
    }

    private (string, string, PairLabel) FromFolders(Random random, bool sameWanted)
    {
        var writer = _writers[random.Next(_writers.Length)];
        int a = random.Next(writer.Genuine.Count);
        string anchor = writer.Genuine[a];
        if (sameWanted)
        {
            // Any other genuine signature of the writer: draw from the others, skipping the anchor's index.
            int b = random.Next(writer.Genuine.Count - 1);
            return (anchor, writer.Genuine[b >= a ? b + 1 : b], PairLabel.Same);
        }

        if (writer.Forgeries.Count > 0 && random.NextDouble() >= _otherWriterShare)
        {
            return (anchor, writer.Forgeries[random.Next(writer.Forgeries.Count)], PairLabel.Different);
        }

        int w = Array.IndexOf(_writers, writer);
        int s = random.Next(_writers.Length - 1);
        var stranger = _writers[s >= w ? s + 1 : s];
        return (anchor, stranger.Genuine[random.Next(stranger.Genuine.Count)], PairLabel.Different);
    }

    private Random Random(int epoch, int batchIndex, int stream) => SeedStreams.Random(_seed, epoch, batchIndex, stream);
#pragma warning restore CA5394
}

/// <summary>A writer's genuine signatures and the skilled forgeries of them (full paths, sorted).</summary>
internal sealed record WriterImages(string Writer, IReadOnlyList<string> Genuine, IReadOnlyList<string> Forgeries);
