using Siamese.Net.Search.Testing;
using Siamese.Net.USearch;

namespace Siamese.Net.Search.Tests.USearch;

public sealed class USearchSupportIndexContractTests : SupportIndexContractTests
{
    protected override ISupportIndex CreateIndex(VectorMetric metric, KShotAggregation aggregation) =>
        new USearchSupportIndex(metric, aggregation);
}
