using Siamese.Net.Tests.PublicApi;

namespace Siamese.Net.Search.Tests.PublicApi;

/// <summary>The search adapters' public surfaces against their approved baselines (in this folder).</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void The_usearch_adapter_surface_matches_its_approved_baseline() =>
        PublicApiApproval.Verify(typeof(Siamese.Net.USearch.USearchSupportIndex).Assembly);

    [Fact]
    public void The_pgvector_adapter_surface_matches_its_approved_baseline() =>
        PublicApiApproval.Verify(typeof(Siamese.Net.PgVector.PgVectorSupportIndex).Assembly);
}
