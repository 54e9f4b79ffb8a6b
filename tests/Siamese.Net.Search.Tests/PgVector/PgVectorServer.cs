using Npgsql;

namespace Siamese.Net.Search.Tests.PgVector;

/// <summary>
/// The PostgreSQL the pgvector tests use: the connection string in SIAMESE_NET_PG (CI starts a PGlite server with
/// .ci/pglite/start.sh and sets it; point it at your own PostgreSQL with pgvector to run them there). Unset: skipped.
/// </summary>
internal static class PgVectorServer
{
    public const string Variable = "SIAMESE_NET_PG";

    private static readonly Lazy<NpgsqlDataSource?> Shared = new(() =>
        ConnectionString is { } cs ? Build(cs) : null);

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs ? cs : null;

    public static string? SkipReason => ConnectionString is null
        ? $"No PostgreSQL with pgvector: set {Variable} to an Npgsql connection string (CI starts one with .ci/pglite/start.sh)."
        : null;

    /// <summary>One data source for the whole run (its pool is bounded by the connection string).</summary>
    public static NpgsqlDataSource DataSource => Shared.Value ?? throw new InvalidOperationException(SkipReason);

    public static NpgsqlDataSource Build(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseVector();
        return builder.Build();
    }

    /// <summary>A table name no other test uses.</summary>
    public static string UniqueTable(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(48, prefix.Length + 33)];

    public static void DropTables(string table)
    {
        using var command = DataSource.CreateCommand($"DROP TABLE IF EXISTS \"{table}\", \"{table}_classes\", \"{table}_meta\" CASCADE");
        command.ExecuteNonQuery();
    }
}
