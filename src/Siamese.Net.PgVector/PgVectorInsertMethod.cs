namespace Siamese.Net.PgVector;

/// <summary>How <see cref="PgVectorSupportIndex.Add"/> sends embeddings to the server.</summary>
public enum PgVectorInsertMethod
{
    /// <summary>
    /// <see cref="BinaryCopy"/>, except on a server that cannot take <c>COPY FROM STDIN</c> over the wire (PGlite, the
    /// WASM PostgreSQL used in CI), where <see cref="Insert"/> is used. The default.
    /// </summary>
    Auto = 0,

    /// <summary>Binary <c>COPY ... FROM STDIN</c>: the fastest bulk load PostgreSQL has.</summary>
    BinaryCopy = 1,

    /// <summary><c>INSERT ... SELECT FROM unnest($ids, $vectors)</c> in chunks of 5,000 rows, binary parameters.</summary>
    Insert = 2,
}
