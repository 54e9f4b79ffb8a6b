namespace Siamese.Net.PgVector;

/// <summary>The approximate index pgvector keeps on the embedding column (or none: exact scans).</summary>
public enum PgVectorIndexKind
{
    /// <summary>No index: every search scans the collection exactly. Right up to about 10^5 rows.</summary>
    None = 0,

    /// <summary>
    /// HNSW (pgvector 0.5+): the best recall/speed trade-off, built incrementally as rows arrive; memory- and build-heavy.
    /// The default.
    /// </summary>
    Hnsw = 1,

    /// <summary>
    /// IVFFlat: k-means lists, fast to build and small, but trained on the rows present when it is built: create it
    /// (<see cref="PgVectorSupportIndex.RebuildAnnIndex"/>) after loading the support set, not on an empty table.
    /// </summary>
    IvfFlat = 2,
}
