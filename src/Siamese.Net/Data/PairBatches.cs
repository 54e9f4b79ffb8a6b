using static TorchSharp.torch;

namespace Siamese.Net.Data;

/// <summary>Shared assembly of pair batches.</summary>
internal static class PairBatches
{
    public static PairBatch Load(ImageStore images, BatchOptions options, int epoch, int batchIndex, string[] first, string[] second, PairLabel[] labels)
    {
        var aug = options.Augmentation;
        var a = images.LoadBatch(first, aug, aug is null ? null : SeedMixer.Random(options.Seed, 0xA06, epoch, batchIndex, 0));
        var b = images.LoadBatch(second, aug, aug is null ? null : SeedMixer.Random(options.Seed, 0xA06, epoch, batchIndex, 1));
        return new PairBatch(a, b, PairTargets.FromLabels(labels));
    }

    public static IEnumerable<IDisposable> Tensors(PairBatch batch) => [batch.First, batch.Second, batch.Targets.IsSame];
}
