using Siamese.Net.Data;
using Siamese.Net.Imaging;
using static TorchSharp.torch;

namespace Siamese.Net.Samples.SignatureVerification;

/// <summary>
/// Training pairs drawn afresh each epoch from the training writers' folders, alternately same and different: a
/// same pair is two genuine signatures of one writer; a different pair is a genuine signature with a skilled forgery of
/// it (75 %: the hard negatives the test is about) or with another writer's. Every writer weighs the same (the CSV
/// weights writers by the square of their signature count). Batch b of epoch e depends on (seed, e, b) only.
/// </summary>
internal sealed class WriterPairSource(ImageFolderDataset folders, ImageStore images, int batchSize, int pairsPerEpoch, int seed, ImageAugmentation? augmentation)
    : IndexedBatchSource<LabelledBatch>
{
    private readonly Dictionary<string, string[]> _byName = folders.ClassNames.Select((n, c) => (n, folders.ImagesOfClass(c).Select(i => folders.Images[i].Path).ToArray()))
        .ToDictionary(x => x.n, x => x.Item2, StringComparer.Ordinal);

    private string[] Writers => [.. _byName.Keys.Where(n => !n.EndsWith("_forg", StringComparison.Ordinal) && _byName[n].Length >= 2).Order(StringComparer.Ordinal)];

    public override int BatchesPerEpoch => (pairsPerEpoch + batchSize - 1) / batchSize;

    /// <summary>The (reference, questioned, label) triples of a batch, without loading images.</summary>
    public IReadOnlyList<(string First, string Second, PairLabel Label)> PlanBatch(int epoch, int batchIndex)
    {
        var random = SeedStreams.Random(seed, epoch, batchIndex, 0);
        string[] writers = Writers;
#pragma warning disable CA5394 // Not security: reproducible sampling.
        return Enumerable.Range(0, Math.Min(batchSize, pairsPerEpoch - (batchIndex * batchSize))).Select(i =>
        {
            int w = random.Next(writers.Length);
            var genuine = _byName[writers[w]];
            var forged = _byName.GetValueOrDefault(writers[w] + "_forg", []);
            int a = random.Next(genuine.Length), b = random.Next(genuine.Length - 1), s = random.Next(writers.Length - 1);
            bool skilled = forged.Length > 0 && random.NextDouble() < 0.75;
            var other = _byName[writers[s >= w ? s + 1 : s]];
            return i % 2 == 0 ? (genuine[a], genuine[b >= a ? b + 1 : b], PairLabel.Same)
                : (genuine[a], skilled ? forged[random.Next(forged.Length)] : other[random.Next(other.Length)], PairLabel.Different);
        }).ToList();
#pragma warning restore CA5394
    }

    protected override LabelledBatch BuildBatch(int epoch, int batchIndex)
    {
        var plan = PlanBatch(epoch, batchIndex);
        Tensor Load(Func<(string, string, PairLabel), string> side, int stream) =>
            images.LoadBatch(plan.Select(side).ToArray(), augmentation, augmentation is null ? null : SeedStreams.Random(seed, epoch, batchIndex, stream));
        using var targets = PairTargets.FromLabels(plan.Select(p => p.Label).ToArray());
        return LabelledBatch.FromPairs(Load(p => p.Item1, 1), Load(p => p.Item2, 2), targets);
    }

    protected override IEnumerable<IDisposable> BatchTensors(LabelledBatch batch) => batch.Disposables();
}
