using System.Globalization;
using Siamese.Net.Data;
using TorchSharp;

namespace Siamese.Net.Tests.Data;

public sealed class RotatedClassBatchSourceTests
{
    // Committed draws of seed 42 (10 characters x 3 drawings, P = 5, K = 2, 4 rotations, shift 2), written as
    // image:rotation:class:dx:dy. They are the cross-process check: a seed that depends on anything randomised per
    // process (HashCode.Combine, string hash codes) draws other images in every new test run and fails here.
    private const string GoldenEpoch0Batch0 =
        "21:3:31:2:-2,22:3:31:-1:0,17:1:21:-2:2,16:1:21:-1:2,27:2:38:-1:1,28:2:38:1:2,3:0:4:2:0,4:0:4:-2:-1,2:1:1:2:-2,1:1:1:-2:1";
    private const string GoldenEpoch3Batch1 =
        "8:3:11:-2:-1,7:3:11:1:2,5:0:4:-1:-1,3:0:4:-1:-1,4:1:5:2:-2,3:1:5:1:1,17:0:20:-2:2,15:0:20:-2:2,8:1:9:1:2,6:1:9:0:-2";

    private static readonly RotatedClassBatchSourceOptions GoldenOptions = new()
    {
        ClassesPerBatch = 5, ImagesPerClass = 2, BatchesPerEpoch = 2, Rotations = 4, MaxShift = 2, Seed = 42,
    };

    [Fact]
    public void The_draws_of_a_fixed_seed_equal_the_committed_constants()
    {
        using var dataset = Dataset(characters: 10, drawings: 3, side: 8);
        var source = new RotatedClassBatchSource(dataset, GoldenOptions);

        Format(source.Plan(0, 0)).Should().Be(GoldenEpoch0Batch0);
        Format(source.Plan(3, 1)).Should().Be(GoldenEpoch3Batch1);
    }

    [Fact]
    public void Batches_hold_K_images_of_P_classes_and_rotated_classes_are_rotated_characters()
    {
        // Every pixel encodes (image, row, column), so the original image of each batch row can be recovered.
        using var images = torch.arange(12 * 4 * 4, dtype: torch.float32).reshape(12, 1, 4, 4);
        int[] classIds = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
        using var dataset = new TensorDataset(images.clone(), classIds);
        var source = new RotatedClassBatchSource(dataset, new RotatedClassBatchSourceOptions { ClassesPerBatch = 12, ImagesPerClass = 2, BatchesPerEpoch = 3, Seed = 5 });

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
            using var expected = images[original];
            Same(unrotated, expected).Should().BeTrue();
        }
    }

    [Fact]
    public void A_shift_moves_the_content_and_fills_the_border_with_zeros()
    {
        using var dataset = new TensorDataset(torch.ones(6, 1, 8, 8), [0, 0, 1, 1, 2, 2]);
        var source = new RotatedClassBatchSource(dataset, new RotatedClassBatchSourceOptions { ClassesPerBatch = 3, ImagesPerClass = 2, Rotations = 1, MaxShift = 3, BatchesPerEpoch = 4, Seed = 1 });

        for (int b = 0; b < 4; b++)
        {
            var plan = source.Plan(0, b);
            using var batch = source.ReadBatch(0, b);
            for (int i = 0; i < plan.Count; i++)
            {
                int dx = plan[i].ShiftX, dy = plan[i].ShiftY;
                using var sum = batch.Images[i].sum();
                sum.item<float>().Should().Be((8 - Math.Abs(dx)) * (8 - Math.Abs(dy)), "only the shifted 8x8 block of ones stays");
                if (dx > 0)
                {
                    using var column = batch.Images[i][0, .., 0].sum();
                    column.item<float>().Should().Be(0, "a shift to the right empties the first column");
                }
            }
        }
    }

    [Fact]
    public void The_same_seed_epoch_and_index_give_the_same_batch_and_another_epoch_another()
    {
        using var dataset = new TensorDataset(torch.rand(40, 1, 8, 8), Enumerable.Range(0, 40).Select(i => i / 5).ToArray());
        var options = new RotatedClassBatchSourceOptions { ClassesPerBatch = 6, ImagesPerClass = 3, BatchesPerEpoch = 4, MaxShift = 1, Seed = 9 };
        var a = new RotatedClassBatchSource(dataset, options);
        var b = new RotatedClassBatchSource(dataset, options with { });

        var first = a.ReadEpoch(2).ToList();
        var second = b.ReadEpoch(2).ToList();
        using var other = a.ReadBatch(3, 0);

        first.Zip(second).Should().OnlyContain(p => Same(p.First.Images, p.Second.Images) && Same(p.First.Labels!, p.Second.Labels!));
        Same(other.Labels!, first[0].Labels!).Should().BeFalse("another epoch draws other classes");
        foreach (var batch in first.Concat(second))
        {
            batch.Dispose();
        }
    }

    [Fact]
    public void Options_and_datasets_that_cannot_work_are_refused_naming_the_option()
    {
        FluentActions.Invoking(() => new RotatedClassBatchSourceOptions { ClassesPerBatch = 1 })
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("ClassesPerBatch");
        FluentActions.Invoking(() => new RotatedClassBatchSourceOptions { ImagesPerClass = 0 })
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("ImagesPerClass");
        FluentActions.Invoking(() => new RotatedClassBatchSourceOptions { BatchesPerEpoch = 0 })
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("BatchesPerEpoch");
        FluentActions.Invoking(() => new RotatedClassBatchSourceOptions { Rotations = 5 })
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Rotations");
        FluentActions.Invoking(() => new RotatedClassBatchSourceOptions { MaxShift = -1 })
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxShift");

        using var small = Dataset(characters: 2, drawings: 2, side: 4);
        FluentActions.Invoking(() => new RotatedClassBatchSource(small, new RotatedClassBatchSourceOptions { ClassesPerBatch = 9 }))
            .Should().Throw<ArgumentException>().WithMessage("*9*8 classes*");
        using var wide = new TensorDataset(torch.zeros(4, 1, 4, 6), [0, 0, 1, 1]);
        FluentActions.Invoking(() => new RotatedClassBatchSource(wide, new RotatedClassBatchSourceOptions { ClassesPerBatch = 2 }))
            .Should().Throw<ArgumentException>().WithMessage("*square*");
    }

    private static TensorDataset Dataset(int characters, int drawings, int side) =>
        new(torch.zeros(characters * drawings, 1, side, side), Enumerable.Range(0, characters * drawings).Select(i => i / drawings).ToArray());

    private static string Format(IReadOnlyList<RotatedClassDraw> draws) =>
        string.Join(",", draws.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.ImageIndex}:{d.Rotation}:{d.ClassId}:{d.ShiftX}:{d.ShiftY}")));

    private static bool Same(torch.Tensor a, torch.Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
