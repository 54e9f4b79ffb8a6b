namespace Siamese.Net.Search;

/// <summary>
/// A store of labelled support embeddings that finds the nearest classes of a batch of queries: the seam between a
/// one-shot classifier and its search engine (the exact <see cref="ExactSupportIndex"/>, the core package's
/// tensor index, USearch's HNSW, a PostgreSQL table with pgvector).
/// </summary>
/// <remarks>
/// <para>Vectors travel as row-major <see cref="float"/> spans: <c>n</c> rows of <see cref="Dimension"/> values.</para>
/// <para>
/// What every implementation promises (one shared behavioural test suite holds them all to it): a class's distance
/// follows <see cref="Aggregation"/> (nearest sample, or the mean of its samples); <see cref="Search"/> returns at
/// most <c>k</c> distinct classes per query, nearest first, ties in the order the classes were first added; an
/// approximate index may miss a true neighbour but never reports a distance other than the metric's.
/// Concurrent <see cref="Search"/> calls are allowed and changes are serialised against them; <see cref="IDisposable.Dispose"/>
/// may be called more than once, and any other call after it throws <see cref="ObjectDisposedException"/> naming the index type.
/// </para>
/// </remarks>
public interface ISupportIndex : IDisposable
{
    /// <summary>The metric the index ranks by.</summary>
    VectorMetric Metric { get; }

    /// <summary>How classes with several support examples are scored.</summary>
    KShotAggregation Aggregation { get; }

    /// <summary>Embedding size D, fixed by the first <see cref="Add"/> (or by the index's configuration); null while unknown.</summary>
    int? Dimension { get; }

    /// <summary>The class labels, in the order they were first added.</summary>
    IReadOnlyList<string> Classes { get; }

    /// <summary>Number of stored support embeddings (all classes).</summary>
    int Count { get; }

    /// <summary>
    /// Adds support embeddings, one label per row (rows of a label need not be adjacent); new labels become classes in
    /// order of first appearance, existing classes get more examples. The index keeps its own copy.
    /// </summary>
    /// <param name="labels">Label of each row; none empty.</param>
    /// <param name="vectors">Finite embeddings, <c>labels.Count</c> rows of <see cref="Dimension"/> values (the first add fixes D).</param>
    /// <exception cref="ArgumentException">A label is empty, a value is not finite, or the length is not a multiple of D.</exception>
    void Add(IReadOnlyList<string> labels, ReadOnlySpan<float> vectors);

    /// <summary>Removes a class and all its examples; other classes are untouched.</summary>
    /// <param name="label">Class label.</param>
    /// <returns>True if the class existed.</returns>
    bool Remove(string label);

    /// <summary>Renames a class, keeping its examples and its place in <see cref="Classes"/>.</summary>
    /// <param name="label">The existing label.</param>
    /// <param name="newLabel">The new label; not empty and not already a class.</param>
    /// <returns>True if the class existed.</returns>
    /// <exception cref="ArgumentException"><paramref name="newLabel"/> is empty or already a class.</exception>
    bool Rename(string label, string newLabel);

    /// <summary>A copy of a class's support embeddings, row-major [K, D].</summary>
    /// <param name="label">Class label.</param>
    /// <returns>The vectors.</returns>
    /// <exception cref="KeyNotFoundException">No such class.</exception>
    float[] GetVectors(string label);

    /// <summary>The <paramref name="k"/> nearest classes of each query, nearest first (fewer when there are fewer classes).</summary>
    /// <param name="queries">Query embeddings, row-major [Q, D].</param>
    /// <param name="k">Number of classes to return per query; positive.</param>
    /// <returns>One list per query.</returns>
    /// <exception cref="InvalidOperationException">The index is empty.</exception>
    /// <exception cref="ArgumentException">The length is not a multiple of D, or a value is not finite.</exception>
    IReadOnlyList<SupportMatch>[] Search(ReadOnlySpan<float> queries, int k);
}
