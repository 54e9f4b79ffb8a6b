using static TorchSharp.torch;

namespace Siamese.Net.Distances;

/// <summary>
/// A fixed set of reference embeddings (a support gallery) prepared by its distance for repeated nearest-neighbour
/// ranking (<see cref="IDistance.Prepare"/>). This is where a distance keeps its fast path: Euclidean ranks by
/// <c>|r|^2 - 2 q.r</c> (one matrix product) and takes the square root of the selected few only; cosine stores unit
/// vectors. A support index ranks through this class and never switches on the distance's type.
/// </summary>
/// <remarks>
/// Ranking works on <em>keys</em>: per query, smaller keys mean closer references, in the same order as the distance
/// (made distance-like for a similarity). <see cref="ToDistances"/> turns the selected keys into the distance's values.
/// Instances are immutable after construction and safe to use from several threads at once.
/// </remarks>
public abstract class PreparedReferences : IDisposable
{
    private bool _disposed;

    /// <summary>Number of references R.</summary>
    public abstract long Count { get; }

    /// <summary>
    /// Whether <see cref="CandidateKeys"/> is available: the references were prepared with a low-precision copy for a
    /// fast candidate pass.
    /// </summary>
    public virtual bool HasCandidatePass => false;

    /// <summary>Exact float32 ranking keys of every reference for each query.</summary>
    /// <param name="queries">Float32 queries [Q, D] on the references' device.</param>
    /// <returns>Keys [Q, R]; smaller = closer.</returns>
    public abstract Tensor Keys(Tensor queries);

    /// <summary>
    /// Approximate keys from a low-precision product (e.g. bfloat16), for choosing candidates that
    /// <see cref="KeysOf"/> then re-ranks exactly.
    /// </summary>
    /// <param name="queries">Float32 queries [Q, D] on the references' device.</param>
    /// <returns>Approximate keys [Q, R] in any floating type; smaller = closer.</returns>
    /// <exception cref="NotSupportedException"><see cref="HasCandidatePass"/> is false.</exception>
    public virtual Tensor CandidateKeys(Tensor queries) =>
        throw new NotSupportedException("These references were prepared without a candidate pass.");

    /// <summary>Exact float32 keys of chosen references, the same values <see cref="Keys"/> gives them.</summary>
    /// <param name="queries">Float32 queries [Q, D].</param>
    /// <param name="candidates">Int64 reference indices [Q, C].</param>
    /// <returns>Keys [Q, C].</returns>
    public abstract Tensor KeysOf(Tensor queries, Tensor candidates);

    /// <summary>Turns keys into distance-like values of the distance (a similarity negated, as <see cref="DistanceExtensions.AsDistance"/>).</summary>
    /// <param name="queries">The queries [Q, D] the keys were computed for.</param>
    /// <param name="keys">Keys [Q, C] from <see cref="Keys"/> or <see cref="KeysOf"/>.</param>
    /// <returns>Distances [Q, C].</returns>
    public abstract Tensor ToDistances(Tensor queries, Tensor keys);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the prepared tensors.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected abstract void Dispose(bool disposing);

    /// <summary>Gathers the candidate rows of <paramref name="references"/> [R, D] as [Q, C, D].</summary>
    /// <param name="references">References [R, D].</param>
    /// <param name="candidates">Indices [Q, C].</param>
    /// <returns>The gathered rows.</returns>
    protected static Tensor Gather(Tensor references, Tensor candidates) =>
        references.index_select(0, candidates.flatten()).view(candidates.shape[0], candidates.shape[1], references.shape[1]);

    /// <summary>Row-wise dot products of each query with its candidates: [Q, D] x [Q, C, D] → [Q, C].</summary>
    /// <param name="queries">Queries [Q, D].</param>
    /// <param name="rows">Candidate rows [Q, C, D].</param>
    /// <returns>The dot products.</returns>
    protected static Tensor Dots(Tensor queries, Tensor rows) => rows.bmm(queries.unsqueeze(2)).squeeze(2);
}
