using System.Numerics.Tensors;

namespace Siamese.Net.Search;

/// <summary>
/// An exact (brute-force) support index in managed code, for deployments without TorchSharp: every query is compared
/// with every stored sample (or class prototype) under <see cref="Metric"/>. Samples live in one contiguous row-major
/// buffer and are compared with <see cref="TensorPrimitives"/> (SIMD) kernels; class prototypes (means) are cached
/// and recomputed only after a change. Linear in the support size; for 10^5 and more samples use an approximate
/// index (Siamese.Net.USearch) or a database (Siamese.Net.PgVector).
/// </summary>
public sealed class ExactSupportIndex : ISupportIndex
{
    // Below this many query x reference comparisons a batch runs on the calling thread: a parallel loop costs more.
    private const long ParallelThreshold = 1L << 20;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly List<string> _classes = [];
    private readonly Dictionary<string, int> _rankOf = new(StringComparer.Ordinal);
    private readonly List<int> _classSizes = [];
    private readonly object _prototypeGate = new();
    private float[] _data = [];
    private int[] _rowClass = [];
    private float[] _rowNorms = [];
    private int _count;
    private int? _dimension;
    private volatile Prototypes? _prototypes;
    private bool _disposed;

    /// <summary>Creates an empty index.</summary>
    /// <param name="metric">The metric; <see cref="KnownMetrics.Euclidean"/> when null.</param>
    /// <param name="aggregation">How K-shot classes are scored.</param>
    /// <param name="dimension">The embedding size, or null to take it from the first <see cref="Add"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The aggregation is undefined or the dimension is not positive.</exception>
    public ExactSupportIndex(VectorMetric? metric = null, KShotAggregation aggregation = KShotAggregation.NearestSample, int? dimension = null)
    {
        if (!Enum.IsDefined(aggregation))
        {
            throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "Unknown K-shot aggregation.");
        }

        if (dimension is { } d)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(d, 1, nameof(dimension));
        }

        Metric = metric ?? KnownMetrics.Euclidean;
        Aggregation = aggregation;
        _dimension = dimension;
    }

    /// <inheritdoc />
    public VectorMetric Metric { get; }

    /// <inheritdoc />
    public KShotAggregation Aggregation { get; }

    /// <inheritdoc />
    public int? Dimension => Read(() => _dimension);

    /// <inheritdoc />
    public IReadOnlyList<string> Classes => Read(() => (IReadOnlyList<string>)_classes.ToArray());

    /// <inheritdoc />
    public int Count => Read(() => _count);

    /// <inheritdoc />
    public void Add(IReadOnlyList<string> labels, ReadOnlySpan<float> vectors)
    {
        ArgumentNullException.ThrowIfNull(labels);
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            int d = SupportArguments.CheckAdd(labels, vectors, _dimension, nameof(vectors));
            if (labels.Count == 0)
            {
                return;
            }

            _dimension ??= d;
            EnsureCapacity(_count + labels.Count, d);
            vectors.CopyTo(_data.AsSpan(_count * d));
            for (int i = 0; i < labels.Count; i++)
            {
                if (!_rankOf.TryGetValue(labels[i], out int rank))
                {
                    rank = _classes.Count;
                    _rankOf[labels[i]] = rank;
                    _classes.Add(labels[i]);
                    _classSizes.Add(0);
                }

                int row = _count + i;
                _rowClass[row] = rank;
                _rowNorms[row] = TensorPrimitives.Norm(_data.AsSpan(row * d, d));
                _classSizes[rank]++;
            }

            _count += labels.Count;
            _prototypes = null;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public bool Remove(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            if (!_rankOf.TryGetValue(label, out int removed))
            {
                return false;
            }

            // Compact the buffer in place and shift the ranks of later classes down by one: O(N D), rare.
            int d = _dimension!.Value;
            int kept = 0;
            for (int row = 0; row < _count; row++)
            {
                int rank = _rowClass[row];
                if (rank == removed)
                {
                    continue;
                }

                if (kept != row)
                {
                    _data.AsSpan(row * d, d).CopyTo(_data.AsSpan(kept * d, d));
                    _rowNorms[kept] = _rowNorms[row];
                }

                _rowClass[kept] = rank > removed ? rank - 1 : rank;
                kept++;
            }

            _count = kept;
            _classes.RemoveAt(removed);
            _classSizes.RemoveAt(removed);
            _rankOf.Remove(label);
            for (int c = removed; c < _classes.Count; c++)
            {
                _rankOf[_classes[c]] = c;
            }

            _prototypes = null;
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public bool Rename(string label, string newLabel)
    {
        ArgumentNullException.ThrowIfNull(label);
        SupportArguments.CheckLabel(newLabel, nameof(newLabel));
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            if (!_rankOf.TryGetValue(label, out int rank))
            {
                return false;
            }

            if (label == newLabel)
            {
                return true;
            }

            if (_rankOf.ContainsKey(newLabel))
            {
                throw new ArgumentException($"The class '{newLabel}' already exists.", nameof(newLabel));
            }

            _rankOf.Remove(label);
            _rankOf[newLabel] = rank;
            _classes[rank] = newLabel;
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public float[] GetVectors(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return Read(() =>
        {
            if (!_rankOf.TryGetValue(label, out int rank))
            {
                throw new KeyNotFoundException($"The index has no class '{label}'.");
            }

            int d = _dimension!.Value;
            var result = new float[_classSizes[rank] * d];
            int next = 0;
            for (int row = 0; row < _count; row++)
            {
                if (_rowClass[row] == rank)
                {
                    _data.AsSpan(row * d, d).CopyTo(result.AsSpan(next * d));
                    next++;
                }
            }

            return result;
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<SupportMatch>[] Search(ReadOnlySpan<float> queries, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            if (_count == 0 || _dimension is not { } d)
            {
                throw new InvalidOperationException("The support index is empty: add classes before searching.");
            }

            SupportArguments.CheckRows(queries, d, nameof(queries));
            int q = queries.Length / d;
            var references = Aggregation == KShotAggregation.Prototype
                ? GetPrototypes(d)
                : new Prototypes(_data, _rowNorms, _rowClass, _count);
            var classes = _classes.ToArray();
            var results = new IReadOnlyList<SupportMatch>[q];
            if ((long)q * references.Count < ParallelThreshold || q == 1)
            {
                var best = new double[classes.Length];
                for (int i = 0; i < q; i++)
                {
                    results[i] = SearchOne(queries.Slice(i * d, d), references, classes, best, k);
                }
            }
            else
            {
                // A span cannot enter a lambda; the batch is copied once (Q x D, small next to the work).
                var copy = queries.ToArray();
                Parallel.For(0, q, () => new double[classes.Length], (i, _, best) =>
                {
                    results[i] = SearchOne(copy.AsSpan(i * d, d), references, classes, best, k);
                    return best;
                }, _ => { });
            }

            return results;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _lock.EnterWriteLock();
        try
        {
            _disposed = true;
            _data = [];
            _rowClass = [];
            _rowNorms = [];
            _classes.Clear();
            _rankOf.Clear();
            _classSizes.Clear();
            _prototypes = null;
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        // The lock itself is left to the GC: disposing it would make a racing caller see the lock's own
        // ObjectDisposedException instead of this index's.
    }

    private SupportMatch[] SearchOne(ReadOnlySpan<float> query, Prototypes references, string[] classes, double[] best, int k)
    {
        Array.Fill(best, double.PositiveInfinity);
        int d = query.Length;
        float queryNorm = TensorPrimitives.Norm(query);
        var data = references.Data.AsSpan(0, references.Count * d);
        for (int row = 0; row < references.Count; row++)
        {
            var reference = data.Slice(row * d, d);
            double distance = RowDistance(query, queryNorm, reference, references.Norms[row]);
            int rank = references.Classes[row];
            if (distance < best[rank])
            {
                best[rank] = distance;
            }
        }

        // Keep the k smallest in a sorted buffer; visiting classes in rank order and inserting only past strictly
        // smaller entries leaves ties in insertion order.
        int keep = Math.Min(k, classes.Length);
        Span<int> top = keep <= 64 ? stackalloc int[keep] : new int[keep];
        int filled = 0;
        for (int c = 0; c < classes.Length; c++)
        {
            double value = best[c];
            if (double.IsPositiveInfinity(value) || (filled == keep && value >= best[top[filled - 1]]))
            {
                continue;
            }

            int position = filled < keep ? filled++ : keep - 1;
            while (position > 0 && best[top[position - 1]] > value)
            {
                top[position] = top[position - 1];
                position--;
            }

            top[position] = c;
        }

        var matches = new SupportMatch[filled];
        for (int i = 0; i < filled; i++)
        {
            matches[i] = new SupportMatch(classes[top[i]], best[top[i]]);
        }

        return matches;
    }

    private double RowDistance(ReadOnlySpan<float> query, float queryNorm, ReadOnlySpan<float> reference, float referenceNorm)
    {
        if (ReferenceEquals(Metric, KnownMetrics.Euclidean))
        {
            return TensorPrimitives.Distance(query, reference);
        }

        if (ReferenceEquals(Metric, KnownMetrics.InnerProduct))
        {
            return 1 - TensorPrimitives.Dot(query, reference);
        }

        if (ReferenceEquals(Metric, KnownMetrics.Cosine))
        {
            // Same formula as KnownMetrics.Cosine, with the reference norms computed once per change.
            float norms = queryNorm * referenceNorm;
            return norms > 0 ? 1 - (TensorPrimitives.Dot(query, reference) / norms) : 1;
        }

        return Metric.Distance(query, reference);
    }

    private Prototypes GetPrototypes(int d)
    {
        if (_prototypes is { } cached)
        {
            return cached;
        }

        // Several readers may get here at once; one computes, the others wait and reuse it.
        lock (_prototypeGate)
        {
            if (_prototypes is { } again)
            {
                return again;
            }

            int c = _classes.Count;
            var means = new float[c * d];
            for (int row = 0; row < _count; row++)
            {
                var mean = means.AsSpan(_rowClass[row] * d, d);
                TensorPrimitives.Add(mean, _data.AsSpan(row * d, d), mean);
            }

            var norms = new float[c];
            var ranks = new int[c];
            for (int rank = 0; rank < c; rank++)
            {
                var mean = means.AsSpan(rank * d, d);
                TensorPrimitives.Divide(mean, _classSizes[rank], mean);
                norms[rank] = TensorPrimitives.Norm(mean);
                ranks[rank] = rank;
            }

            var built = new Prototypes(means, norms, ranks, c);
            _prototypes = built;
            return built;
        }
    }

    private void EnsureCapacity(int rows, int d)
    {
        if (_rowClass.Length >= rows)
        {
            return;
        }

        int capacity = Math.Max(rows, Math.Max(16, _rowClass.Length * 2));
        Array.Resize(ref _data, checked(capacity * d));
        Array.Resize(ref _rowClass, capacity);
        Array.Resize(ref _rowNorms, capacity);
    }

    private T Read<T>(Func<T> read)
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            return read();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>The rows a search compares with: samples, or class means; with their norms and class ranks.</summary>
    private sealed record Prototypes(float[] Data, float[] Norms, int[] Classes, int Count);
}
