using Siamese.Net.Search.Testing;

namespace Siamese.Net.Search.Tests.PgVector;

/// <summary>Skips a contract test class when SIAMESE_NET_PG is unset.</summary>
public sealed class PgVectorServerRequiredAttribute : ContractSkipAttribute
{
    public override string? Reason => PgVectorServer.SkipReason;
}
