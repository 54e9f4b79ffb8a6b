namespace Siamese.Net.Tests.PublicApi;

public sealed class PublicApiTests
{
    [Fact]
    public void The_core_package_surface_matches_its_approved_baseline() =>
        PublicApiApproval.Verify(typeof(SiameseNetwork).Assembly);

    [Fact]
    public void The_search_contract_surface_matches_its_approved_baseline() =>
        PublicApiApproval.Verify(typeof(Siamese.Net.Search.ISupportIndex).Assembly);
}
