namespace Siamese.Net.Search.Tests.PgVector;

/// <summary>A fact that needs a PostgreSQL with pgvector; skipped with a clear message when SIAMESE_NET_PG is unset.</summary>
public sealed class PgVectorFactAttribute : FactAttribute
{
    public PgVectorFactAttribute()
    {
        Skip = PgVectorServer.SkipReason;
    }
}
