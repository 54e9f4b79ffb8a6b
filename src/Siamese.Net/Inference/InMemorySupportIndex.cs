using Siamese.Net.Distances;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Inference;

/// <summary>
/// The default support index: all support embeddings in one contiguous float32 tensor [R, D], each batch of queries
/// scored against all of them with one matrix multiply per chunk of queries, then a top-k.
/// </summary>
/// <remarks>
/// <para>
/// For <see cref="EuclideanDistance"/> the ranking uses <c>|r|^2 - 2 q.r</c> (one <c>addmm</c>), and only the
/// selected candidates get <c>sqrt(max(|q|^2 + ..., 0) + epsilon)</c>; for <see cref="CosineDistance"/>, one product of
/// unit vectors. Any other <see cref="IDistance"/> goes through its <see cref="IDistance.Matrix"/>. Queries are
/// processed in chunks so the [chunk, R] score matrix stays near 64 MB whatever the support size.
/// </para>
/// <para>
/// With <see cref="KShotAggregation.NearestSample"/>, the nearest k classes are found exactly from the
/// (k - 1) * K_max + 1 nearest samples (K_max = most examples of one class), so no per-class reduction over all R
/// columns is needed. With <see cref="KShotAggregation.Prototype"/>, class means are ranked instead.
/// </para>
/// <para>
/// Thread safety: <see cref="Search"/> may run concurrently on many threads; <see cref="Add(string, Tensor)"/> and
/// <see cref="Remove"/> take a writer lock and wait for running searches. Adding grows the storage geometrically
/// (amortised copy), removing compacts it; no embedding of another class is recomputed.
/// </para>
/// </remarks>
public sealed class InMemorySupportIndex : ISupportIndex
{

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly object _prepareGate = new();
    private readonly List<string> _classes = [];
    private readonly Dictionary<string, int> _slotOf = new(StringComparer.Ordinal);
    private readonly List<int> _classSizes = [];
    private readonly List<int> _rowSlots = [];
    private readonly List<List<int>> _rowsOfSlot = [];
    private readonly Device _device;
    private Tensor? _storage; // [capacity, D] float32; rows [0, SampleCount) are live.
    private Prepared? _prepared;
    private bool _disposed;

    /// <summary>Creates an empty index.</summary>
    /// <param name="distance">Distance to rank by; Euclidean when null.</param>
    /// <param name="aggregation">How K-shot classes are scored.</param>
    /// <param name="device">Where embeddings are stored and scored; CPU when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="aggregation"/> is not a defined value.</exception>
    public InMemorySupportIndex(IDistance? distance = null, KShotAggregation aggregation = KShotAggregation.NearestSample, Device? device = null)
    {
        if (!Enum.IsDefined(aggregation))
        {
            throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "Unknown K-shot aggregation.");
        }

        Distance = distance ?? new EuclideanDistance();
        Aggregation = aggregation;
        _device = device ?? CPU;
    }

    /// <inheritdoc />
    public IDistance Distance { get; }

    /// <summary>Largest number of query-by-support scores held at once (16M floats = 64 MB); tests lower it to force chunking.</summary>
    internal long ScoreBudget { get; init; } = 16L << 20;

    /// <inheritdoc />
    public KShotAggregation Aggregation { get; }

    /// <inheritdoc />
    public int? EmbeddingSize { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<string> Classes
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _classes.ToArray();
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <inheritdoc />
    public int SampleCount
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _rowSlots.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <inheritdoc />
    public void Add(string label, Tensor embeddings)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        ArgumentNullException.ThrowIfNull(embeddings);
        AddRows(embeddings, _ => label, $"class '{label}'", nameof(embeddings));
    }

    /// <inheritdoc />
    public void Add(IReadOnlyList<string> labels, Tensor embeddings)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.dim() != 2 || embeddings.shape[0] != labels.Count)
        {
            throw new ArgumentException(
                $"Expected embeddings [{labels.Count}, D], one row per label; got shape {DistanceShapes.Format(embeddings)}.", nameof(embeddings));
        }

        for (int i = 0; i < labels.Count; i++)
        {
            if (string.IsNullOrEmpty(labels[i]))
            {
                throw new ArgumentException($"labels[{i}] is null or empty.", nameof(labels));
            }
        }

        AddRows(embeddings, i => labels[i], "the added rows", nameof(embeddings));
    }

    private void AddRows(Tensor embeddings, Func<int, string> labelOf, string what, string parameterName)
    {
        if (embeddings.dim() != 2)
        {
            throw new ArgumentException($"Support embeddings of {what} must be [K, D]; got shape {DistanceShapes.Format(embeddings)}.", parameterName);
        }

        if (embeddings.shape[0] == 0)
        {
            throw new ArgumentException($"{Capitalise(what)} has no support embeddings (K = 0); give at least one.", parameterName);
        }

        if (!embeddings.is_floating_point())
        {
            throw new ArgumentException($"Support embeddings of {what} must be floating point; got {embeddings.dtype}.", parameterName);
        }

        using var scope = NewDisposeScope();
        var rows = embeddings.detach().to(float32).to(_device);
        if (!rows.isfinite().all().item<bool>())
        {
            throw new ArgumentException($"Support embeddings of {what} contain NaN or infinity.", parameterName);
        }

        int k = checked((int)rows.shape[0]);
        int d = checked((int)rows.shape[1]);

        _lock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (EmbeddingSize is int size && size != d)
            {
                throw new ArgumentException(
                    $"Support embeddings of {what} have size {d}, but the index holds embeddings of size {size}.", parameterName);
            }

            int count = _rowSlots.Count;
            EnsureCapacity(count + k, d);
            _storage!.narrow(0, count, k).copy_(rows);
            for (int i = 0; i < k; i++)
            {
                string label = labelOf(i);
                if (!_slotOf.TryGetValue(label, out int slot))
                {
                    slot = _classes.Count;
                    _classes.Add(label);
                    _slotOf.Add(label, slot);
                    _classSizes.Add(0);
                    _rowsOfSlot.Add([]);
                }

                _classSizes[slot]++;
                _rowsOfSlot[slot].Add(count + i);
                _rowSlots.Add(slot);
            }

            EmbeddingSize = d;
            Invalidate();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private static string Capitalise(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    /// <inheritdoc />
    public bool Remove(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        _lock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
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
                using var indices = tensor(keep.ToArray(), device: _device);
                var kept = _storage!.index_select(0, indices);
                _storage.narrow(0, 0, keep.Count).copy_(kept);
            }

            _rowSlots.Clear();
            _rowSlots.AddRange(slots);
            _classes.RemoveAt(removed);
            _classSizes.RemoveAt(removed);
            _slotOf.Clear();
            _rowsOfSlot.Clear();
            for (int i = 0; i < _classes.Count; i++)
            {
                _slotOf.Add(_classes[i], i);
                _rowsOfSlot.Add([]);
            }

            for (int row = 0; row < _rowSlots.Count; row++)
            {
                _rowsOfSlot[_rowSlots[row]].Add(row);
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
    public Tensor GetEmbeddings(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_slotOf.TryGetValue(label, out int slot))
            {
                throw new KeyNotFoundException($"The support set has no class '{label}'.");
            }

            using var scope = NewDisposeScope();
            var indices = tensor(_rowsOfSlot[slot].Select(row => (long)row).ToArray(), device: _device);
            return _storage!.index_select(0, indices).cpu().MoveToOuterDisposeScope();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<SupportMatch>[] Search(Tensor queries, int k)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_classes.Count == 0)
            {
                throw new InvalidOperationException("The support set is empty: add at least one class before searching.");
            }

            if (queries.dim() != 2 || queries.shape[1] != EmbeddingSize)
            {
                throw new ArgumentException(
                    $"Queries must be [Q, {EmbeddingSize}] to match the support embeddings; got {DistanceShapes.Format(queries)}.", nameof(queries));
            }

            var prepared = GetPrepared();
            int take = Aggregation == KShotAggregation.Prototype
                ? Math.Min(prepared.Rows, k)
                : Math.Min(prepared.Rows, ((Math.Min(k, _classes.Count) - 1) * _classSizes.Max()) + 1);
            int total = checked((int)queries.shape[0]);
            var results = new IReadOnlyList<SupportMatch>[total];
            int chunk = (int)Math.Clamp(ScoreBudget / Math.Max(1, prepared.Rows), 1, Math.Max(1, total));
            using var noGrad = no_grad();
            for (int start = 0; start < total; start += chunk)
            {
                int n = Math.Min(chunk, total - start);
                using var scope = NewDisposeScope();
                var q = queries.narrow(0, start, n).detach().to(float32).to(_device);
                if (!q.isfinite().all().item<bool>())
                {
                    throw new ArgumentException(
                        $"Query embeddings {start}..{start + n - 1} contain NaN or infinity; check the encoder's output.", nameof(queries));
                }

                var (distances, indices) = NearestRows(prepared, q, take);
                var d = distances.cpu().data<float>().ToArray();
                var idx = indices.cpu().data<long>().ToArray();
                for (int i = 0; i < n; i++)
                {
                    results[start + i] = Collect(d.AsSpan(i * take, take), idx.AsSpan(i * take, take), prepared.RowClass, k);
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

        _lock.Dispose();
    }

    private SupportMatch[] Collect(ReadOnlySpan<float> distances, ReadOnlySpan<long> rows, int[] rowClass, int k)
    {
        // Candidates sorted by distance, then row (insertion order) so exact ties are deterministic.
        var order = new (float Distance, long Row)[distances.Length];
        for (int j = 0; j < order.Length; j++)
        {
            order[j] = (distances[j], rows[j]);
        }

        Array.Sort(order);
        var matches = new List<SupportMatch>(k);
        var seen = new HashSet<int>();
        foreach (var (distance, row) in order)
        {
            int slot = rowClass[row];
            if (seen.Add(slot))
            {
                matches.Add(new SupportMatch(_classes[slot], distance));
                if (matches.Count == k)
                {
                    break;
                }
            }
        }

        return matches.ToArray();
    }

    private (Tensor Distances, Tensor Indices) NearestRows(Prepared prepared, Tensor q, int take)
    {
        switch (Distance)
        {
            case EuclideanDistance euclidean:
            {
                // |q - r|^2 = |q|^2 + (|r|^2 - 2 q.r); rank on the bracket, finish the selected few.
                var partial = prepared.SquaredNorms!.unsqueeze(0).addmm(q, prepared.References.t(), beta: 1, alpha: -2);
                var (values, indices) = partial.topk(take, dim: 1, largest: false, sorted: true);
                var qq = (q * q).sum(1, keepdim: true);
                return ((values + qq).clamp_min(0).add(euclidean.Epsilon).sqrt(), indices);
            }

            case CosineDistance cosine:
            {
                var unit = q / q.norm(1, keepdim: true).clamp_min(cosine.Epsilon);
                var similarity = unit.matmul(prepared.References.t());
                var (values, indices) = similarity.topk(take, dim: 1, largest: true, sorted: true);
                return (1 - values, indices);
            }

            default:
            {
                var (values, indices) = Distance.Matrix(q, prepared.References).topk(take, dim: 1, largest: false, sorted: true);
                return (values, indices);
            }
        }
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
            references = zeros(_classes.Count, samples.shape[1], device: _device).index_add_(0, slots, samples, 1) / counts;
            rowClass = Enumerable.Range(0, _classes.Count).ToArray();
        }
        else
        {
            references = samples.clone();
            rowClass = _rowSlots.ToArray();
        }

        Tensor? squaredNorms = null;
        switch (Distance)
        {
            case EuclideanDistance:
                squaredNorms = (references * references).sum(1).DetachFromDisposeScope();
                break;
            case CosineDistance cosine:
                references = references / references.norm(1, keepdim: true).clamp_min(cosine.Epsilon);
                break;
        }

        return new Prepared(references.contiguous().DetachFromDisposeScope(), squaredNorms, rowClass);
    }

    private void EnsureCapacity(int rows, int d)
    {
        long capacity = _storage?.shape[0] ?? 0;
        if (rows <= capacity)
        {
            return;
        }

        long grown = Math.Max(rows, Math.Max(16, capacity * 2));
        var bigger = zeros(grown, d, dtype: float32, device: _device).DetachFromDisposeScope();
        if (_storage is not null)
        {
            bigger.narrow(0, 0, _rowSlots.Count).copy_(_storage.narrow(0, 0, _rowSlots.Count));
            _storage.Dispose();
        }

        _storage = bigger;
    }

    private void Invalidate()
    {
        _prepared?.Dispose();
        _prepared = null;
    }

    private sealed record Prepared(Tensor References, Tensor? SquaredNorms, int[] RowClass) : IDisposable
    {
        public int Rows => RowClass.Length;

        public void Dispose()
        {
            References.Dispose();
            SquaredNorms?.Dispose();
        }
    }
}
