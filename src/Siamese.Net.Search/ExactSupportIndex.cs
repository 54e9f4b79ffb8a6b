using System.Numerics.Tensors;

namespace Siamese.Net.Search;

/// <summary>
/// An exact (brute-force) support index in managed code, for deployments without TorchSharp: every query is compared
/// with every stored sample (or class prototype) under <see cref="Metric"/>. Linear in the support size; for
/// 10^5 and more samples use an approximate index (Siamese.Net.USearch) or a database (Siamese.Net.PgVector).
/// </summary>
public sealed class ExactSupportIndex : ISupportIndex
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly List<string> _classes = [];
    private readonly Dictionary<string, List<float[]>> _samples = new(StringComparer.Ordinal);
    private int _count;
    private int? _dimension;
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
        var rows = SupportVectors.Split(labels, vectors, Dimension, nameof(vectors));
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            if (rows.Length > 0)
            {
                _dimension ??= rows[0].Length;
                if (rows[0].Length != _dimension)
                {
                    throw new ArgumentException($"The index holds {_dimension}-dimensional embeddings; these have {rows[0].Length}.", nameof(vectors));
                }
            }

            for (int i = 0; i < rows.Length; i++)
            {
                if (!_samples.TryGetValue(labels[i], out var list))
                {
                    _samples[labels[i]] = list = [];
                    _classes.Add(labels[i]);
                }

                list.Add(rows[i]);
                _count++;
            }
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
            if (!_samples.Remove(label, out var list))
            {
                return false;
            }

            _classes.Remove(label);
            _count -= list.Count;
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
        SupportVectors.CheckLabel(newLabel, nameof(newLabel));
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            if (!_samples.TryGetValue(label, out var list))
            {
                return false;
            }

            if (label == newLabel)
            {
                return true;
            }

            if (_samples.ContainsKey(newLabel))
            {
                throw new ArgumentException($"The class '{newLabel}' already exists.", nameof(newLabel));
            }

            _samples.Remove(label);
            _samples[newLabel] = list;
            _classes[_classes.IndexOf(label)] = newLabel;
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
        return Read(() => _samples.TryGetValue(label, out var list)
            ? list.SelectMany(v => v).ToArray()
            : throw new KeyNotFoundException($"The index has no class '{label}'."));
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

            var rows = SupportVectors.Rows(queries, d, nameof(queries));
            var references = new List<(int Rank, string Label, float[] Vector)>(_count);
            for (int c = 0; c < _classes.Count; c++)
            {
                var list = _samples[_classes[c]];
                if (Aggregation == KShotAggregation.Prototype)
                {
                    references.Add((c, _classes[c], Mean(list, d)));
                }
                else
                {
                    references.AddRange(list.Select(v => (c, _classes[c], v)));
                }
            }

            var results = new IReadOnlyList<SupportMatch>[rows.Length];
            for (int q = 0; q < rows.Length; q++)
            {
                var query = rows[q];
                results[q] = ClassRanking.TopClasses(references.Select(r => (r.Rank, r.Label, (double)Metric.Distance(query, r.Vector))), k);
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
            _samples.Clear();
            _classes.Clear();
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        // The lock itself is left to the GC: disposing it would make a racing caller see the lock's own
        // ObjectDisposedException instead of this index's.
    }

    private static float[] Mean(List<float[]> vectors, int dimension)
    {
        var mean = new float[dimension];
        foreach (var v in vectors)
        {
            TensorPrimitives.Add(mean, v, mean);
        }

        TensorPrimitives.Divide(mean, vectors.Count, mean);
        return mean;
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
}
