namespace Siamese.Net.USearch;

/// <summary>How USearch stores each support embedding (and so how much memory and precision it costs).</summary>
public enum USearchQuantization
{
    /// <summary>32-bit floats: exact distances, 4 D bytes a vector. The default.</summary>
    F32 = 0,

    /// <summary>
    /// 16-bit floats: half the memory of <see cref="F32"/>, distances within about 1e-3 relative; rankings
    /// rarely change for normalised embeddings.
    /// </summary>
    F16 = 1,

    /// <summary>
    /// 8-bit integers (values scaled by 127): a quarter of the memory of <see cref="F32"/>. USearch assumes values
    /// in [-1, 1], so it is offered for the cosine metric only (vectors are normalised first); distances are coarse
    /// (about 1e-2).
    /// </summary>
    I8 = 2,
}
