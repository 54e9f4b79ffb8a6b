using Siamese.Net.Distances;
using static TorchSharp.torch;

namespace Siamese.Net.Inference;

/// <summary>
/// A store of labelled support embeddings that finds the nearest classes of a batch of queries. The one-shot
/// classifier talks to its support set only through this interface, so the in-memory
/// <see cref="InMemorySupportIndex"/> can be replaced by a larger store (an approximate-nearest-neighbour index,
/// a database) without touching the classifier.
/// </summary>
/// <remarks>Implementations must allow concurrent <see cref="Search"/> calls, and serialise changes against them.</remarks>
public interface ISupportIndex : IDisposable
{
    /// <summary>The distance the index ranks by.</summary>
    IDistance Distance { get; }

    /// <summary>How classes with several support examples are scored.</summary>
    KShotAggregation Aggregation { get; }

    /// <summary>Embedding size D, fixed by the first <see cref="Add(string, Tensor)"/>; null while nothing was ever added.</summary>
    int? EmbeddingSize { get; }

    /// <summary>The class labels, in the order they were first added.</summary>
    IReadOnlyList<string> Classes { get; }

    /// <summary>Number of stored support embeddings (all classes).</summary>
    int SampleCount { get; }

    /// <summary>
    /// Adds support embeddings [K, D] for a class; if the class exists, they are appended to its examples. Other
    /// classes are untouched. The index keeps its own copy.
    /// </summary>
    /// <param name="label">Class label; not empty.</param>
    /// <param name="embeddings">Finite embeddings [K, D], K &gt;= 1, D equal to <see cref="EmbeddingSize"/> once set.</param>
    /// <exception cref="ArgumentException">The label is empty, or the embeddings are empty, non-finite or of the wrong shape.</exception>
    void Add(string label, Tensor embeddings);

    /// <summary>
    /// Adds many support embeddings at once, one label per row (rows of a label need not be adjacent); new labels
    /// become classes in order of first appearance. Equivalent to one <see cref="Add(string, Tensor)"/> per row, in one
    /// copy: the way to load a large gallery.
    /// </summary>
    /// <param name="labels">Label of each row; none empty.</param>
    /// <param name="embeddings">Finite embeddings [labels.Count, D].</param>
    /// <exception cref="ArgumentException">A label is empty, or the embeddings are non-finite or of the wrong shape.</exception>
    void Add(IReadOnlyList<string> labels, Tensor embeddings);

    /// <summary>Removes a class and all its examples; other classes are untouched.</summary>
    /// <param name="label">Class label.</param>
    /// <returns>True if the class existed.</returns>
    bool Remove(string label);

    /// <summary>A copy of a class's support embeddings [K, D] on the CPU (the caller disposes it).</summary>
    /// <param name="label">Class label.</param>
    /// <exception cref="KeyNotFoundException">No such class.</exception>
    Tensor GetEmbeddings(string label);

    /// <summary>
    /// The <paramref name="k"/> nearest classes of each query, nearest first (fewer when there are fewer classes).
    /// Equal distances keep the classes' insertion order.
    /// </summary>
    /// <param name="queries">Query embeddings [Q, D].</param>
    /// <param name="k">Number of classes to return per query; positive.</param>
    /// <returns>One list per query.</returns>
    /// <exception cref="InvalidOperationException">The index is empty.</exception>
    /// <exception cref="ArgumentException">The queries are not [Q, D] with the index's D.</exception>
    IReadOnlyList<SupportMatch>[] Search(Tensor queries, int k);
}
