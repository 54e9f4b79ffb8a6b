using Siamese.Net.Imaging;
using TorchSharp;

namespace Siamese.Net.Data;

/// <summary>Shared assembly of labelled batches.</summary>
internal static class LabelledBatches
{
    public static LabelledBatch Load(ImageFolderDataset dataset, ImageStore images, ImageAugmentation? augmentation, int seed, int epoch, int batchIndex, int[] imageIndices)
    {
        var paths = imageIndices.Select(i => dataset.Images[i].Path).ToArray();
        var ids = imageIndices.Select(i => (long)dataset.Images[i].ClassId).ToArray();
        var tensor = images.LoadBatch(paths, augmentation, augmentation is null ? null : SeedStreams.Random(seed, 0xA08, epoch, batchIndex));
        return new LabelledBatch(tensor, torch.tensor(ids));
    }
}
