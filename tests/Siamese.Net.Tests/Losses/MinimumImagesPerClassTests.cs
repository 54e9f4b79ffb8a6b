using Siamese.Net.Losses;

namespace Siamese.Net.Tests.Losses;

/// <summary>What a trainer checks a P×K source's K against: 2 for losses that learn from positive pairs.</summary>
public sealed class MinimumImagesPerClassTests
{
    public static TheoryData<MetricLoss, int> Losses() => new()
    {
        { new ContrastiveLoss(), 2 },
        { new TripletMarginLoss(), 2 },
        { new BceHeadLoss(8), 2 },
        { new PrototypicalLoss(shots: 1), 2 },
        { new PrototypicalLoss(shots: 5), 6 },
        { new MultiSimilarityLoss(), 2 },
        { new CircleLoss(), 2 },
        { new NTXentLoss(), 2 },
        { new SupervisedContrastiveLoss(), 2 },
        { new LiftedStructureLoss(), 2 },
        { new ProxyAnchorLoss(4, 8), 1 },
        { new ProxyNcaLoss(4, 8), 1 },
        { new NormalizedSoftmaxLoss(4, 8), 1 },
        { new CosFaceLoss(4, 8), 1 },
        { new ArcFaceLoss(4, 8), 1 },
        { new SubCenterArcFaceLoss(4, 8), 1 },
    };

    [Theory]
    [MemberData(nameof(Losses))]
    public void Each_loss_says_how_many_images_per_class_it_needs(MetricLoss loss, int expected) =>
        loss.MinimumImagesPerClass.Should().Be(expected);
}
