using Siamese.Net.Data;
using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.TestSupport;

/// <summary>Reads a pair source's or triplet source's batch (2N or 3N images with tuples) back as its parts.</summary>
internal static class BatchViews
{
    /// <summary>The first image of every pair [N, C, H, W].</summary>
    public static Tensor First(this LabelledBatch batch) => batch.Images.narrow(0, 0, batch.Count / 2);

    /// <summary>The second image of every pair [N, C, H, W].</summary>
    public static Tensor Second(this LabelledBatch batch) => batch.Images.narrow(0, batch.Count / 2, batch.Count / 2);

    /// <summary>Whether pair i of the batch (images i and N + i) is a same pair, from its pair tuples.</summary>
    public static PairLabel[] PairLabels(this LabelledBatch batch)
    {
        var pairs = batch.Tuples.Should().BeOfType<PairTuples>().Subject;
        long n = batch.Count / 2;
        var labels = new PairLabel?[n];
        foreach (var (first, second) in pairs.PositiveFirst.data<long>().ToArray().Zip(pairs.PositiveSecond.data<long>().ToArray()))
        {
            second.Should().Be(first + n);
            labels[first] = PairLabel.Same;
        }

        foreach (var (first, second) in pairs.NegativeFirst.data<long>().ToArray().Zip(pairs.NegativeSecond.data<long>().ToArray()))
        {
            second.Should().Be(first + n);
            labels[first] = PairLabel.Different;
        }

        labels.Should().NotContainNulls("every pair of a pair batch is either same or different");
        return labels.Select(l => l!.Value).ToArray();
    }

    /// <summary>Part k (0 anchors, 1 positives, 2 negatives) of a triplet batch [N, C, H, W].</summary>
    public static Tensor TripletPart(this LabelledBatch batch, int k) => batch.Images.narrow(0, k * (batch.Count / 3), batch.Count / 3);
}
