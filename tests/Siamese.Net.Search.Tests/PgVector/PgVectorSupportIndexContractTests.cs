using Siamese.Net.PgVector;
using Siamese.Net.Search.Testing;

namespace Siamese.Net.Search.Tests.PgVector;

[PgVectorServerRequired]
public sealed class PgVectorSupportIndexContractTests : SupportIndexContractTests
{
    private readonly List<string> _tables = [];

    protected override ISupportIndex CreateIndex(VectorMetric metric, KShotAggregation aggregation)
    {
        string table = PgVectorServer.UniqueTable("contract");
        _tables.Add(table);
        return PgVectorSupportIndex.Open(PgVectorServer.DataSource, metric, aggregation, new PgVectorIndexOptions { Table = table });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            foreach (string table in _tables)
            {
                PgVectorServer.DropTables(table);
            }
        }
    }
}
