using OmniglotOneShot;
using TorchSharp;

namespace Siamese.Net.Samples.Tests.OmniglotOneShot;

public sealed class RotatedClassBatchSourceTests
{
    [Fact]
    public void Batches_hold_M_images_of_P_classes_and_rotated_classes_are_rotated_characters()
    {
        // 3 characters x 4 drawings; every pixel value encodes (image, row, column) so a rotation is recognisable.
        using var images = torch.arange(12 * 4 * 4, dtype: torch.float32).reshape(12, 1, 4, 4);
        int[] classIds = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
        using var source = new RotatedClassBatchSource(images.clone(), classIds, classesPerBatch: 12, imagesPerClass: 2, batchesPerEpoch: 3, useRotations: true, seed: 5);

        source.ClassCount.Should().Be(12);
        using var batch = source.ReadBatch(epoch: 1, batchIndex: 2);

        batch.Images.shape.Should().Equal(24, 1, 4, 4);
        var labels = batch.Labels!.data<long>().ToArray();
        labels.Distinct().Should().HaveCount(12, "all 3 characters x 4 rotations fit in one batch");
        for (int i = 0; i < labels.Length; i++)
        {
            int character = (int)labels[i] / 4, rotation = (int)labels[i] % 4;
            using var image = batch.Images[i];
            using var unrotated = rotation == 0 ? image.clone() : image.rot90(-rotation, (1, 2));
            int original = (int)(unrotated[0, 0, 0].item<float>() / 16);
            classIds[original].Should().Be(character, "image {0} carries class {1}", i, labels[i]);
            Same(unrotated, images[original]).Should().BeTrue();
        }
    }

    [Fact]
    public void The_same_seed_epoch_and_index_give_the_same_batch()
    {
        using var images = torch.rand(40, 1, 8, 8);
        var classIds = Enumerable.Range(0, 40).Select(i => i / 5).ToArray();
        using var a = new RotatedClassBatchSource(images.clone(), classIds, 6, 3, 4, true, seed: 9);
        using var b = new RotatedClassBatchSource(images.clone(), classIds, 6, 3, 4, true, seed: 9);

        var first = a.ReadEpoch(2, CancellationToken.None).ToList();
        var second = b.ReadEpoch(2, CancellationToken.None).ToList();
        using var other = a.ReadBatch(3, 0);

        first.Zip(second).Should().OnlyContain(p => Same(p.First.Images, p.Second.Images) && Same(p.First.Labels!, p.Second.Labels!));
        Same(other.Labels!, first[0].Labels!).Should().BeFalse("another epoch draws other classes");
        foreach (var batch in first.Concat(second))
        {
            batch.Dispose();
        }
    }

    private static bool Same(torch.Tensor a, torch.Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
