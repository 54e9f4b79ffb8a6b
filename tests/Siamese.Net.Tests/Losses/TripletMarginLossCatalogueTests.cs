using Siamese.Net.Distances;
using Siamese.Net.Losses;
using Siamese.Net.Miners;

namespace Siamese.Net.Tests.Losses;

/// <summary>
/// The existing triplet loss in cosine distance equals pytorch-metric-learning's triplet loss with cosine similarity
/// (<c>[S_an - S_ap + m]_+</c>, mean of the non-zero triplets): <c>d = 1 - S</c> gives the same hinge.
/// </summary>
public sealed class TripletMarginLossCatalogueTests
{
    [Theory]
    [InlineData("main")]
    [InlineData("no_positive")]
    [InlineData("all_equal")]
    [InlineData("aligned")]
    public void In_cosine_distance_it_equals_the_PyTorch_reference(string set) =>
        LossReferenceCheck.AssertMatches(
            new TripletMarginLoss(0.1, new BatchAllTripletMiner(activeOnly: true, margin: 0.1), new CosineDistance()),
            "triplet_cosine/" + set);
}
