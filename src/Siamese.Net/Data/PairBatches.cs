
namespace Siamese.Net.Data;

/// <summary>How pair sources lay out a batch: N first images, then N second images, with their pair tuples.</summary>
internal static class PairBatches
{
    public static LabelledBatch Load(ImageStore images, BatchOptions options, int epoch, int batchIndex, string[] first, string[] second, PairLabel[] labels)
    {
        var aug = options.Augmentation;
        var a = images.LoadBatch(first, aug, aug is null ? null : SeedStreams.Random(options.Seed, 0xA06, epoch, batchIndex, 0));
        var b = images.LoadBatch(second, aug, aug is null ? null : SeedStreams.Random(options.Seed, 0xA06, epoch, batchIndex, 1));
        using var targets = PairTargets.FromLabels(labels);
        return LabelledBatch.FromPairs(a, b, targets);
    }
}
