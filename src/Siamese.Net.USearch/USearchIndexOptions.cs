namespace Siamese.Net.USearch;

/// <summary>
/// The HNSW settings of a <see cref="USearchSupportIndex"/> (Malkov and Yashunin, 2018). Larger values buy recall with
/// time and memory. Measured on random 128-d unit vectors, the hardest case for a graph (docs/performance.md): the
/// defaults gave recall@1 0.94 at 200k supports (ExpansionSearch 128); Connectivity 32 with ExpansionAdd 256 gave
/// 1.0 at 100k for 28x the exact index's queries/s.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><see cref="Connectivity"/> (HNSW's M): graph edges per node. Memory grows by about 2 M x 8 bytes a vector
/// (plus the vector); 16 suits most embeddings, 32-48 helps high-dimensional or hard (random, uniform) data.</item>
/// <item><see cref="ExpansionAdd"/> (efConstruction): candidates kept while inserting. Higher builds a better graph
/// (higher recall at the same search cost) but adds proportionally slower; it does not change search time.</item>
/// <item><see cref="ExpansionSearch"/> (ef): candidates kept while searching, at least the number of samples asked
/// for. The main recall/speed knob: search time grows roughly linearly with it.</item>
/// </list>
/// </remarks>
public sealed record USearchIndexOptions
{
    /// <summary>Storage precision of the vectors; <see cref="USearchQuantization.F32"/> by default.</summary>
    public USearchQuantization Quantization { get; init; } = USearchQuantization.F32;

    /// <summary>Graph edges per node (HNSW's M), 2-1024; 16 by default.</summary>
    public int Connectivity { get; init; } = 16;

    /// <summary>Candidates kept while inserting (efConstruction), 1-100000; 128 by default.</summary>
    public int ExpansionAdd { get; init; } = 128;

    /// <summary>Candidates kept while searching (ef), 1-100000; 128 by default.</summary>
    public int ExpansionSearch { get; init; } = 128;

    /// <summary>
    /// With <see cref="Search.KShotAggregation.NearestSample"/>, how many samples a search fetches per class asked for
    /// (at least 16 in all) before aggregating them into classes; more are fetched while fewer than k distinct classes
    /// come back. 1-1000; 4 by default.
    /// </summary>
    public int SamplesPerClass { get; init; } = 4;

    /// <summary>Checks every option, naming the one that is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Quantization))
        {
            throw new ArgumentOutOfRangeException(nameof(Quantization), Quantization, "Unknown quantization.");
        }

        Check(Connectivity, 2, 1024, nameof(Connectivity));
        Check(ExpansionAdd, 1, 100_000, nameof(ExpansionAdd));
        Check(ExpansionSearch, 1, 100_000, nameof(ExpansionSearch));
        Check(SamplesPerClass, 1, 1000, nameof(SamplesPerClass));
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}.");
        }
    }
}
