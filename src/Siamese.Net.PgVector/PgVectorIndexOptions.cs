using System.Text.RegularExpressions;

namespace Siamese.Net.PgVector;

/// <summary>
/// Where a <see cref="PgVectorSupportIndex"/> keeps its support set and how pgvector indexes it. One table holds the
/// embeddings of one model (one dimension, one metric); <see cref="Collection"/> separates tenants or galleries in it.
/// </summary>
/// <remarks>
/// Recall/speed knobs: HNSW's <see cref="HnswM"/> and <see cref="HnswEfConstruction"/> fix the graph when it is built
/// (higher = better recall, slower build, more memory); <see cref="HnswEfSearch"/> is read per search (higher = better
/// recall, slower). IVFFlat's <see cref="IvfFlatLists"/> (about rows/1000 up to 10^6 rows, sqrt(rows) beyond) is fixed at
/// build time and <see cref="IvfFlatProbes"/> (lists searched; about sqrt(lists)) per search.
/// </remarks>
public sealed partial record PgVectorIndexOptions
{
    /// <summary>The samples table; <c>{Table}_classes</c> and <c>{Table}_meta</c> are created beside it. Lower-case letters, digits and underscores; "siamese_support" by default.</summary>
    public string Table { get; init; } = "siamese_support";

    /// <summary>The schema of the tables, or null for the connection's search path.</summary>
    public string? Schema { get; init; }

    /// <summary>The tenant or collection this index sees and changes; other collections in the same table are invisible. "" by default.</summary>
    public string Collection { get; init; } = "";

    /// <summary>The embedding size, or null to take it from an existing table or from the first add.</summary>
    public int? Dimension { get; init; }

    /// <summary>The approximate index on the embedding column; <see cref="PgVectorIndexKind.Hnsw"/> by default.</summary>
    public PgVectorIndexKind IndexKind { get; init; } = PgVectorIndexKind.Hnsw;

    /// <summary>HNSW's M: graph edges per node, 2-100; 16 by default (pgvector's default).</summary>
    public int HnswM { get; init; } = 16;

    /// <summary>HNSW's ef_construction: candidates while building, at least 2 x <see cref="HnswM"/>, at most 1000; 64 by default.</summary>
    public int HnswEfConstruction { get; init; } = 64;

    /// <summary>HNSW's ef_search per query, 1-1000; 100 by default (raised per query to the number of samples fetched).</summary>
    public int HnswEfSearch { get; init; } = 100;

    /// <summary>IVFFlat's lists, 1-32768; 100 by default.</summary>
    public int IvfFlatLists { get; init; } = 100;

    /// <summary>IVFFlat's probes per query, 1-32768; 10 by default.</summary>
    public int IvfFlatProbes { get; init; } = 10;

    /// <summary>
    /// With nearest-sample aggregation, the samples fetched per class asked for (at least 16 in all) before grouping
    /// them into classes in SQL; more are fetched while fewer than k classes come back. 1-1000; 4 by default.
    /// </summary>
    public int SamplesPerClass { get; init; } = 4;

    /// <summary>How embeddings are inserted; <see cref="PgVectorInsertMethod.Auto"/> (binary COPY where the server takes it) by default.</summary>
    public PgVectorInsertMethod InsertMethod { get; init; } = PgVectorInsertMethod.Auto;

    /// <summary>Whether opening may run <c>CREATE EXTENSION IF NOT EXISTS vector</c> and create missing tables; true by default.</summary>
    public bool CreateSchema { get; init; } = true;

    /// <summary>Checks every option, naming the one that is wrong.</summary>
    /// <exception cref="ArgumentException">A name is not a plain lower-case identifier, or the collection is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A number is out of range.</exception>
    public void Validate()
    {
        if (Table is null || !Identifier().IsMatch(Table))
        {
            throw new ArgumentException($"Table '{Table}' must be a lower-case identifier of at most 48 letters, digits and underscores.", nameof(Table));
        }

        if (Schema is not null && !Identifier().IsMatch(Schema))
        {
            throw new ArgumentException($"Schema '{Schema}' must be a lower-case identifier of at most 48 letters, digits and underscores.", nameof(Schema));
        }

        if (Collection is null)
        {
            throw new ArgumentException("Collection must not be null (use \"\" for the default collection).", nameof(Collection));
        }

        if (Dimension is { } d && (d < 1 || d > 16_000))
        {
            throw new ArgumentOutOfRangeException(nameof(Dimension), d, "pgvector stores 1 to 16000 dimensions (2000 with an index).");
        }

        if (!Enum.IsDefined(IndexKind))
        {
            throw new ArgumentOutOfRangeException(nameof(IndexKind), IndexKind, "Unknown index kind.");
        }

        if (!Enum.IsDefined(InsertMethod))
        {
            throw new ArgumentOutOfRangeException(nameof(InsertMethod), InsertMethod, "Unknown insert method.");
        }

        Check(HnswM, 2, 100, nameof(HnswM));
        Check(HnswEfConstruction, 2 * HnswM, 1000, nameof(HnswEfConstruction));
        Check(HnswEfSearch, 1, 1000, nameof(HnswEfSearch));
        Check(IvfFlatLists, 1, 32768, nameof(IvfFlatLists));
        Check(IvfFlatProbes, 1, 32768, nameof(IvfFlatProbes));
        Check(SamplesPerClass, 1, 1000, nameof(SamplesPerClass));
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}.");
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,47}$")]
    private static partial Regex Identifier();
}
