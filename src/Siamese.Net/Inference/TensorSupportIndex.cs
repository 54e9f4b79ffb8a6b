using Siamese.Net.Distances;
using Siamese.Net.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Inference;

/// <summary>
/// The core's exact support index: all support embeddings in one contiguous float32 tensor [R, D], each chunk of
/// queries ranked against them with one libtorch matrix product (GEMM), then a top-k. It implements the TorchSharp-free
/// <see cref="ISupportIndex"/> contract and adds tensor overloads (<see cref="Add(IReadOnlyList{string}, Tensor)"/>,
/// <see cref="Search(Tensor, int)"/>) that the one-shot classifier uses so embeddings are not copied through arrays.
/// </summary>
/// <remarks>
/// <para>
/// Ranking goes through the distance's <see cref="IDistance.Prepare"/> (its fast path: Euclidean ranks by
/// <c>|r|^2 - 2 q.r</c>, cosine by unit vectors; any other distance by its <see cref="IDistance.Matrix"/>); the index
/// never switches on the distance's type. With <see cref="KShotAggregation.NearestSample"/>, the nearest k classes are
/// found exactly from the (k - 1) * K_max + 1 nearest samples (K_max = most examples of one class); with
/// <see cref="KShotAggregation.Prototype"/>, class means are ranked. Queries are processed in chunks so the
/// [chunk, R] key matrix stays near 64 MB whatever the support size.
/// </para>
/// <para>
/// <see cref="TensorSupportIndexOptions.CandidatePrecision"/> adds a bfloat16 candidate pass on large galleries
/// (see docs/performance.md): distances returned are still exact float32 values of the re-ranked candidates.
/// </para>
/// <para>
/// Thread safety: searches run concurrently; adds, removals and renames take a writer lock and wait for running
/// searches. <see cref="Dispose"/> may be called more than once; any other call afterwards throws
/// <see cref="ObjectDisposedException"/> naming this type.
/// </para>
/// </remarks>
public sealed class TensorSupportIndex : ISupportIndex
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly object _prepareGate = new();
    private readonly List<string> _classes = [];
    private readonly Dictionary<string, int> _slotOf = new(StringComparer.Ordinal);
    private readonly List<int> _classSizes = [];
    private readonly List<int> _rowSlots = [];
    private readonly Device _device;
    private readonly TensorSupportIndexOptions _options;
    private Tensor? _storage; // [capacity, D] float32; rows [0, Count) are live.
    private Prepared? _prepared;
    private int? _dimension;
    private bool _disposed;

    /// <summary>Creates an empty index.</summary>
    /// <param name="distance">The distance to rank by; Euclidean when null.</param>
    /// <param name="options">Aggregation, device, candidate pass; defaults when null.</param>
    public TensorSupportIndex(IDistance? distance = null, TensorSupportIndexOptions? options = null)
    {
        Distance = distance ?? new EuclideanDistance();
        _options = options ?? new TensorSupportIndexOptions();
        _device = _options.Device ?? CPU;
        Metric = Distance.Metric ?? new DistanceMetric(Distance);
    }

    /// <summary>The distance the index ranks by.</summary>
    public IDistance Distance { get; }

    /// <summary>The index's settings.</summary>
    public TensorSupportIndexOptions Options => _options;

    /// <inheritdoc />
    /// <remarks>The distance's <see cref="IDistance.Metric"/>, or a metric named after a distance that has none.</remarks>
    public VectorMetric Metric { get; }

    /// <inheritdoc />
    public KShotAggregation Aggregation => _options.Aggregation;

    /// <inheritdoc />
    public int? Dimension => Read(() => _dimension);

    /// <inheritdoc />
    public IReadOnlyList<string> Classes => Read(() => (IReadOnlyList<string>)_classes.ToArray());

    /// <inheritdoc />
    public int Count => Read(() => _rowSlots.Count);

    /// <summary>Largest number of query-by-support keys held at once (16M = 64 MB of float32); tests lower it to force chunking.</summary>
    internal long ScoreBudget { get; init; } = 16L << 20;

    /// <inheritdoc />
    public void Add(IReadOnlyList<string> labels, ReadOnlySpan<float> vectors)
    {
        // The same checks (and argument names) as every other index, from the shared contract package.
        int d = SupportArguments.CheckAdd(labels, vectors, Dimension, nameof(vectors));
        if (labels.Count == 0)
        {
            return;
        }

        using var rows = tensor(vectors.ToArray(), [labels.Count, d]);
        Add(labels, rows);
    }

    /// <summary>Adds (or extends) one class from its support embeddings [K, D].</summary>
    /// <param name="label">Class label; not empty.</param>
    /// <param name="embeddings">Finite embeddings [K, D], K &gt;= 1.</param>
    /// <exception cref="ArgumentException">The label is empty, or the embeddings are empty, non-finite or of the wrong shape.</exception>
    public void Add(string label, Tensor embeddings)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.dim() != 2 || embeddings.shape[0] == 0)
        {
            throw new ArgumentException($"Support embeddings of class '{label}' must be [K, D] with K >= 1; got shape [{Guard.Shape(embeddings)}].", nameof(embeddings));
        }

        Add(Enumerable.Repeat(label, checked((int)embeddings.shape[0])).ToArray(), embeddings);
    }

    /// <summary>
    /// Adds support embeddings [labels.Count, D], one label per row (rows of a label need not be adjacent); new labels
    /// become classes in order of first appearance. The index keeps its own float32 copy on its device.
    /// </summary>
    /// <param name="labels">Label of each row; none empty.</param>
    /// <param name="embeddings">Finite floating-point embeddings [labels.Count, D].</param>
    /// <exception cref="ArgumentException">A label is empty, or the embeddings are empty, non-finite or of the wrong shape.</exception>
    public void Add(IReadOnlyList<string> labels, Tensor embeddings)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.dim() != 2 || embeddings.shape[0] != labels.Count || labels.Count == 0 || embeddings.shape[1] == 0)
        {
            throw new ArgumentException(
                $"Expected embeddings [{labels.Count}, D] with at least one row, one per label; got shape [{Guard.Shape(embeddings)}].", nameof(embeddings));
        }

        if (!embeddings.is_floating_point())
        {
            throw new ArgumentException($"Support embeddings must be floating point; got {embeddings.dtype}.", nameof(embeddings));
        }

        for (int i = 0; i < labels.Count; i++)
        {
            if (string.IsNullOrEmpty(labels[i]))
            {
                throw new ArgumentException($"labels[{i}] is null or empty; a class label must not be empty.", nameof(labels));
            }
        }

        using var scope = NewDisposeScope();
        var rows = embeddings.detach().to(ScalarType.Float32).to(_device);
        if (!rows.isfinite().all().item<bool>())
        {
            throw new ArgumentException("Support embeddings contain NaN or infinity.", nameof(embeddings));
        }

        int k = checked((int)rows.shape[0]);
        int d = checked((int)rows.shape[1]);
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            if (_dimension is int size && size != d)
            {
                throw new ArgumentException($"The index holds {size}-dimensional embeddings; these have {d}.", nameof(embeddings));
            }

            int count = _rowSlots.Count;
            EnsureCapacity(count + k, d);
            _storage!.narrow(0, count, k).copy_(rows);
            for (int i = 0; i < k; i++)
            {
                if (!_slotOf.TryGetValue(labels[i], out int slot))
                {
                    slot = _classes.Count;
                    _classes.Add(labels[i]);
                    _slotOf.Add(labels[i], slot);
                    _classSizes.Add(0);
                }

                _classSizes[slot]++;
                _rowSlots.Add(slot);
            }

            _dimension = d;
            Invalidate();
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
            if (!_slotOf.TryGetValue(label, out int removed))
            {
                return false;
            }

            var keep = new List<long>(_rowSlots.Count);
            var slots = new List<int>(_rowSlots.Count);
            for (int row = 0; row < _rowSlots.Count; row++)
            {
                int slot = _rowSlots[row];
                if (slot != removed)
                {
                    keep.Add(row);
                    slots.Add(slot > removed ? slot - 1 : slot);
                }
            }

            if (keep.Count > 0)
            {
                using var scope = NewDisposeScope();
                var kept = _storage!.index_select(0, tensor(keep.ToArray(), device: _device));
                _storage.narrow(0, 0, keep.Count).copy_(kept);
            }

            _rowSlots.Clear();
            _rowSlots.AddRange(slots);
            _classes.RemoveAt(removed);
            _classSizes.RemoveAt(removed);
            _slotOf.Clear();
            for (int i = 0; i < _classes.Count; i++)
            {
                _slotOf.Add(_classes[i], i);
            }

            Invalidate();
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
        if (string.IsNullOrEmpty(newLabel))
        {
            throw new ArgumentException("A class label must not be null or empty.", nameof(newLabel));
        }

        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            if (!_slotOf.TryGetValue(label, out int slot))
            {
                return false;
            }

            if (label == newLabel)
            {
                return true;
            }

            if (_slotOf.ContainsKey(newLabel))
            {
                throw new ArgumentException($"The class '{newLabel}' already exists.", nameof(newLabel));
            }

            _slotOf.Remove(label);
            _slotOf.Add(newLabel, slot);
            _classes[slot] = newLabel;
            Invalidate();
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
        using var embeddings = GetEmbeddings(label);
        return embeddings.data<float>().ToArray();
    }

    /// <summary>A copy of a class's support embeddings [K, D] on the CPU (the caller disposes it).</summary>
    /// <param name="label">Class label.</param>
    /// <returns>The embeddings, in the order they were added.</returns>
    /// <exception cref="KeyNotFoundException">No such class.</exception>
    public Tensor GetEmbeddings(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            if (!_slotOf.TryGetValue(label, out int slot))
            {
                throw new KeyNotFoundException($"The index has no class '{label}'.");
            }

            using var scope = NewDisposeScope();
            var rows = Enumerable.Range(0, _rowSlots.Count).Where(r => _rowSlots[r] == slot).Select(r => (long)r).ToArray();
            return _storage!.index_select(0, tensor(rows, device: _device)).cpu().contiguous().MoveToOuterDisposeScope();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<SupportMatch>[] Search(ReadOnlySpan<float> queries, int k)
    {
        int? d = Dimension;
        if (d is not int dimension)
        {
            throw new InvalidOperationException("The support index is empty: add classes before searching.");
        }

        int count = SupportArguments.CheckRows(queries, dimension, nameof(queries));
        using var rows = tensor(queries.ToArray(), [count, dimension]);
        return Search(rows, k);
    }

    /// <summary>The <paramref name="k"/> nearest classes of each query, nearest first (fewer when there are fewer classes).</summary>
    /// <param name="queries">Query embeddings [Q, D] on any device.</param>
    /// <param name="k">Number of classes per query; positive.</param>
    /// <returns>One list per query; equal distances keep the classes' insertion order.</returns>
    /// <exception cref="InvalidOperationException">The index is empty.</exception>
    /// <exception cref="ArgumentException">The queries are not [Q, D] with the index's D, or not finite.</exception>
    public IReadOnlyList<SupportMatch>[] Search(Tensor queries, int k)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            if (_classes.Count == 0)
            {
                throw new InvalidOperationException("The support index is empty: add classes before searching.");
            }

            if (queries.dim() != 2 || queries.shape[1] != _dimension)
            {
                throw new ArgumentException($"Queries must be [Q, {_dimension}] to match the support embeddings; got [{Guard.Shape(queries)}].", nameof(queries));
            }

            var prepared = GetPrepared();
            int take = Aggregation == KShotAggregation.Prototype
                ? Math.Min(prepared.Rows, k)
                : Math.Min(prepared.Rows, ((Math.Min(k, _classes.Count) - 1) * _classSizes.Max()) + 1);
            int candidates = prepared.References.HasCandidatePass ? Math.Min(prepared.Rows, take * _options.CandidateFactor) : take;
            bool candidatePass = candidates > take;
            int total = checked((int)queries.shape[0]);
            var results = new IReadOnlyList<SupportMatch>[total];
            int chunk = (int)Math.Clamp(ScoreBudget / Math.Max(1, prepared.Rows), 1, Math.Max(1, total));
            using var noGrad = no_grad();
            for (int start = 0; start < total; start += chunk)
            {
                int n = Math.Min(chunk, total - start);
                using var scope = NewDisposeScope();
                var q = queries.narrow(0, start, n).detach().to(ScalarType.Float32).to(_device);
                if (!q.isfinite().all().item<bool>())
                {
                    throw new ArgumentException($"Query embeddings {start}..{start + n - 1} contain NaN or infinity; check the encoder's output.", nameof(queries));
                }

                Tensor keys, indices;
                if (candidatePass)
                {
                    // Low-precision product picks candidates; they are re-ranked with exact float32 keys.
                    var (_, chosen) = prepared.References.CandidateKeys(q).topk(candidates, dim: 1, largest: false, sorted: false);
                    var exact = prepared.References.KeysOf(q, chosen);
                    var (values, positions) = exact.topk(take, dim: 1, largest: false, sorted: true);
                    keys = values;
                    indices = chosen.gather(1, positions);
                }
                else
                {
                    (keys, indices) = prepared.References.Keys(q).topk(take, dim: 1, largest: false, sorted: true);
                }

                var distances = prepared.References.ToDistances(q, keys).to(ScalarType.Float64).cpu().data<double>().ToArray();
                var rows = indices.cpu().data<long>().ToArray();
                for (int i = 0; i < n; i++)
                {
                    results[start + i] = Collect(distances.AsSpan(i * take, take), rows.AsSpan(i * take, take), prepared.RowClass, k);
                }
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
        _lock.EnterWriteLock();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _prepared?.Dispose();
            _prepared = null;
            _storage?.Dispose();
            _storage = null;
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        // The lock itself is left to the GC: disposing it would make a racing caller see the lock's own
        // ObjectDisposedException instead of this index's.
    }

    private SupportMatch[] Collect(ReadOnlySpan<double> distances, ReadOnlySpan<long> rows, int[] rowClass, int k)
    {
        // Sorted by distance, then row (insertion order), so exact ties are deterministic.
        var order = new (double Distance, long Row)[distances.Length];
        for (int j = 0; j < order.Length; j++)
        {
            order[j] = (distances[j], rows[j]);
        }

        Array.Sort(order);
        var samples = order.Select(o => (rowClass[o.Row], _classes[rowClass[o.Row]], o.Distance));
        return [.. ClassRanking.TopClasses(samples, k)];
    }

    private Prepared GetPrepared()
    {
        // Readers may race to prepare; the gate makes one do it. Writers (holding the write lock) dispose it.
        lock (_prepareGate)
        {
            return _prepared ??= Prepare();
        }
    }

    private Prepared Prepare()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int rows = _rowSlots.Count;
        var samples = _storage!.narrow(0, 0, rows);
        Tensor references;
        int[] rowClass;
        if (Aggregation == KShotAggregation.Prototype)
        {
            var slots = tensor(_rowSlots.Select(s => (long)s).ToArray(), device: _device);
            var counts = tensor(_classSizes.Select(c => (float)c).ToArray(), device: _device).unsqueeze(1);
            references = zeros(_classes.Count, samples.shape[1], device: _device).index_add_(0, slots, samples, 1).div_(counts);
            rowClass = Enumerable.Range(0, _classes.Count).ToArray();
        }
        else
        {
            references = samples;
            rowClass = _rowSlots.ToArray();
        }

        ScalarType? candidateType = rowClass.Length >= _options.CandidatePassMinimumRows ? _options.CandidatePrecision : null;
        return new Prepared(Distance.Prepare(references, candidateType), rowClass);
    }

    private void EnsureCapacity(int rows, int d)
    {
        long capacity = _storage?.shape[0] ?? 0;
        if (rows <= capacity)
        {
            return;
        }

        long grown = Math.Max(rows, Math.Max(16, capacity * 2));
        var bigger = zeros(grown, d, dtype: ScalarType.Float32, device: _device).DetachFromDisposeScope();
        if (_storage is not null)
        {
            bigger.narrow(0, 0, _rowSlots.Count).copy_(_storage.narrow(0, 0, _rowSlots.Count));
            _storage.Dispose();
        }

        _storage = bigger;
    }

    private void Invalidate()
    {
        lock (_prepareGate)
        {
            _prepared?.Dispose();
            _prepared = null;
        }
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

    private sealed record Prepared(PreparedReferences References, int[] RowClass) : IDisposable
    {
        public int Rows => RowClass.Length;

        public void Dispose() => References.Dispose();
    }
}
