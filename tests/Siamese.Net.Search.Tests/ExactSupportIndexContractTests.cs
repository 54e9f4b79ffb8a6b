using Siamese.Net.Search.Testing;

namespace Siamese.Net.Search.Tests;

public sealed class ExactSupportIndexContractTests : SupportIndexContractTests
{
    protected override ISupportIndex CreateIndex(VectorMetric metric, KShotAggregation aggregation) =>
        new ExactSupportIndex(metric, aggregation);
}
