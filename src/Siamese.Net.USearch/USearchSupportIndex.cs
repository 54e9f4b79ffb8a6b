using System.Numerics.Tensors;
using Cloud.Unum.USearch;
using Siamese.Net.Search;

namespace Siamese.Net.USearch;

/// <summary>
/// An approximate <see cref="ISupportIndex"/> over a USearch HNSW graph: for 10^5-10^7 support embeddings, where the
/// exact index's linear scan is too slow. Classes, their order and their aggregation behave exactly as in
/// <see cref="ExactSupportIndex"/>; only a true neighbour the graph misses can change an answer.
/// </summary>
/// <remarks>
/// <para>
/// Metrics: Euclidean is USearch's squared L2, reported as its square root; cosine is stored as normalised vectors under
/// USearch's inner product (so a zero vector is at distance 1 from everything, as the contract says); inner product is
/// USearch's <c>1 - a.b</c>. With <see cref="KShotAggregation.NearestSample"/> every sample is a graph node and a search
/// fetches several samples per class asked for, then aggregates them with <see cref="ClassRanking"/>; with
/// <see cref="KShotAggregation.Prototype"/> the graph holds one node per class, its mean, and the samples are kept in
/// managed memory.
/// </para>
/// <para>
/// Searches run concurrently; <see cref="Add"/>, <see cref="Remove"/> and <see cref="Rename"/> wait for running searches
/// and block new ones while they change the graph. <see cref="Save"/> writes the USearch file and a label file beside
/// it (<c>path + ".labels"</c>), each through a temporary file and a rename, the label file carrying the index file's
/// SHA-256 so a torn or mismatched pair is refused on <see cref="Load"/> or <see cref="View"/>.
/// </para>
/// </remarks>
public sealed class USearchSupportIndex : ISupportIndex
{
    private const int MinimumCandidates = 16;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly List<ClassEntry> _classes = [];
    private readonly Dictionary<string, ClassEntry> _byLabel = new(StringComparer.Ordinal);
    private readonly List<ClassEntry?> _keyClass = [];
    private readonly List<float> _keyNorm = [];
    private readonly bool _readOnly;
    private USearchIndex? _native;
    private int _count;
    private int? _dimension;
    private bool _disposed;

    /// <summary>Creates an empty index.</summary>
    /// <param name="metric">Euclidean (default), cosine or inner product from <see cref="KnownMetrics"/>.</param>
    /// <param name="aggregation">How K-shot classes are scored.</param>
    /// <param name="options">HNSW settings; <see cref="USearchIndexOptions"/> defaults when null.</param>
    /// <param name="dimension">The embedding size, or null to take it from the first <see cref="Add"/>.</param>
    /// <exception cref="ArgumentException">The metric is not one USearch supports, or I8 is asked for with a metric other than cosine.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option, the aggregation or the dimension is out of range.</exception>
    public USearchSupportIndex(
        VectorMetric? metric = null,
        KShotAggregation aggregation = KShotAggregation.NearestSample,
        USearchIndexOptions? options = null,
        int? dimension = null)
    {
        metric ??= KnownMetrics.Euclidean;
        if (KnownMetrics.TryFromName(metric.Name) is not { } known || !ReferenceEquals(known, metric))
        {
            throw new ArgumentException($"USearch supports the euclidean, cosine and inner-product metrics, not '{metric.Name}'.", nameof(metric));
        }

        if (!Enum.IsDefined(aggregation))
        {
            throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "Unknown K-shot aggregation.");
        }

        options ??= new USearchIndexOptions();
        options.Validate();
        if (options.Quantization == USearchQuantization.I8 && !ReferenceEquals(metric, KnownMetrics.Cosine))
        {
            throw new ArgumentException("I8 quantization stores normalised vectors scaled by 127; it is offered for the cosine metric only.", nameof(options));
        }

        if (dimension is { } d)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(d, 1, nameof(dimension));
        }

        Metric = metric;
        Aggregation = aggregation;
        Options = options;
        _dimension = dimension;
    }

    private USearchSupportIndex(IndexSidecar sidecar, USearchIndex native, bool readOnly)
    {
        Metric = KnownMetrics.FromName(sidecar.Metric);
        Aggregation = sidecar.Aggregation;
        Options = sidecar.Options;
        _dimension = sidecar.Dimension;
        _native = native;
        _readOnly = readOnly;
        for (int k = 0; k < sidecar.NextKey; k++)
        {
            _keyClass.Add(null);
            _keyNorm.Add(0);
        }

        foreach (var stored in sidecar.Classes)
        {
            var entry = new ClassEntry(stored.Label) { Rank = _classes.Count, PrototypeKey = stored.PrototypeKey };
            entry.Keys.AddRange(stored.Keys);
            for (int i = 0; i < stored.Keys.Length; i++)
            {
                _keyClass[checked((int)stored.Keys[i])] = entry;
                _keyNorm[checked((int)stored.Keys[i])] = stored.Norms[i];
            }

            if (Aggregation == KShotAggregation.Prototype)
            {
                entry.Samples = [.. stored.Samples];
                entry.SampleCount = stored.Samples.Length / sidecar.Dimension;
                _keyClass[checked((int)stored.PrototypeKey)] = entry;
            }
            else
            {
                entry.SampleCount = stored.Keys.Length;
            }

            _classes.Add(entry);
            _byLabel[entry.Label] = entry;
            _count += entry.SampleCount;
        }
    }

    /// <inheritdoc />
    public VectorMetric Metric { get; }

    /// <inheritdoc />
    public KShotAggregation Aggregation { get; }

    /// <summary>The HNSW settings the index was built with (and <see cref="ChangeExpansionSearch"/> has changed since).</summary>
    public USearchIndexOptions Options { get; private set; }

    /// <summary>True for an index opened with <see cref="View"/>: it searches a memory-mapped file and cannot change.</summary>
    public bool IsReadOnly => _readOnly;

    /// <inheritdoc />
    public int? Dimension => Read(() => _dimension);

    /// <inheritdoc />
    public IReadOnlyList<string> Classes => Read(() => (IReadOnlyList<string>)_classes.Select(c => c.Label).ToArray());

    /// <inheritdoc />
    public int Count => Read(() => _count);

    /// <summary>Loads an index saved with <see cref="Save"/> into memory; it can be searched and changed.</summary>
    /// <param name="path">The USearch file (the label file is <c>path + ".labels"</c>).</param>
    /// <returns>The index.</returns>
    /// <exception cref="InvalidDataException">The label file is damaged or does not belong to the index file.</exception>
    public static USearchSupportIndex Load(string path) => Open(path, view: false);

    /// <summary>
    /// Opens an index saved with <see cref="Save"/> as a memory-mapped view: the vectors and graph stay in the file
    /// (paged in by the operating system, shared between processes that view the same file), so opening is fast and
    /// costs little memory. The view can be searched and its classes renamed, not added to or removed from.
    /// </summary>
    /// <param name="path">The USearch file (the label file is <c>path + ".labels"</c>).</param>
    /// <returns>The read-only index.</returns>
    /// <exception cref="InvalidDataException">The label file is damaged or does not belong to the index file.</exception>
    public static USearchSupportIndex View(string path) => Open(path, view: true);

    /// <inheritdoc />
    public void Add(IReadOnlyList<string> labels, ReadOnlySpan<float> vectors)
    {
        ArgumentNullException.ThrowIfNull(labels);
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            ThrowIfReadOnly();
            int d = SupportArguments.CheckAdd(labels, vectors, _dimension, nameof(vectors));
            if (labels.Count == 0)
            {
                return;
            }

            var native = EnsureNative(d);
            if (Aggregation == KShotAggregation.Prototype)
            {
                AddToPrototypes(native, labels, vectors, d);
            }
            else
            {
                AddSamples(native, labels, vectors, d);
            }

            _count += labels.Count;
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
            ThrowIfReadOnly();
            if (!_byLabel.Remove(label, out var entry))
            {
                return false;
            }

            var native = _native!;
            foreach (ulong key in Aggregation == KShotAggregation.Prototype ? [entry.PrototypeKey] : entry.Keys)
            {
                native.Remove(key);
                _keyClass[(int)key] = null;
            }

            _classes.RemoveAt(entry.Rank);
            for (int c = entry.Rank; c < _classes.Count; c++)
            {
                _classes[c].Rank = c;
            }

            _count -= entry.SampleCount;
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
            if (!_byLabel.TryGetValue(label, out var entry))
            {
                return false;
            }

            if (label == newLabel)
            {
                return true;
            }

            if (_byLabel.ContainsKey(newLabel))
            {
                throw new ArgumentException($"The class '{newLabel}' already exists.", nameof(newLabel));
            }

            // Graph keys identify samples, not labels: a rename touches no vector.
            _byLabel.Remove(label);
            entry.Label = newLabel;
            _byLabel[newLabel] = entry;
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// A copy of a class's support embeddings, row-major [K, D]. With <see cref="USearchQuantization.F16"/> or
    /// <see cref="USearchQuantization.I8"/> and nearest-sample aggregation they are read back from the graph, so they
    /// carry the quantization error.
    /// </summary>
    /// <param name="label">Class label.</param>
    /// <returns>The vectors.</returns>
    /// <exception cref="KeyNotFoundException">No such class.</exception>
    public float[] GetVectors(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return Read(() =>
        {
            if (!_byLabel.TryGetValue(label, out var entry))
            {
                throw new KeyNotFoundException($"The index has no class '{label}'.");
            }

            if (Aggregation == KShotAggregation.Prototype)
            {
                return entry.Samples.ToArray();
            }

            int d = _dimension!.Value;
            var result = new float[entry.Keys.Count * d];
            for (int i = 0; i < entry.Keys.Count; i++)
            {
                ulong key = entry.Keys[i];
                _native!.Get(key, out float[] vector);
                var row = result.AsSpan(i * d, d);
                vector.CopyTo(row);
                if (IsCosine)
                {
                    TensorPrimitives.Multiply(row, _keyNorm[(int)key], row);
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
            if (_count == 0 || _dimension is not { } d || _native is not { } native)
            {
                throw new InvalidOperationException("The support index is empty: add classes before searching.");
            }

            int q = SupportArguments.CheckRows(queries, d, nameof(queries));
            var results = new IReadOnlyList<SupportMatch>[q];
            var query = new float[d];
            for (int i = 0; i < q; i++)
            {
                queries.Slice(i * d, d).CopyTo(query);
                if (IsCosine)
                {
                    Normalize(query);
                }

                results[i] = SearchOne(native, query, k);
            }

            return results;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Changes <see cref="USearchIndexOptions.ExpansionSearch"/> (ef) of the built graph, trading recall for speed at
    /// run time without rebuilding; it is saved with the index.
    /// </summary>
    /// <param name="expansionSearch">Candidates kept while searching, 1-100000.</param>
    /// <exception cref="ArgumentOutOfRangeException">Out of range.</exception>
    public void ChangeExpansionSearch(int expansionSearch)
    {
        var changed = Options with { ExpansionSearch = expansionSearch };
        changed.Validate();
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            if (_native is { } native)
            {
                NativeTuning.SetExpansion(native, changed.ExpansionAdd, changed.ExpansionSearch);
            }

            Options = changed;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// Saves the index: the USearch file at <paramref name="path"/> and the labels at <c>path + ".labels"</c>, each
    /// written to a temporary file in the same folder and renamed over the old one, so a reader never sees a half-written
    /// file; the label file records the index file's length and SHA-256.
    /// </summary>
    /// <param name="path">The USearch file to write.</param>
    /// <exception cref="InvalidOperationException">The index is empty and has no dimension yet.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            if (_native is not { } native || _dimension is not { } d)
            {
                throw new InvalidOperationException("An index without a dimension (nothing added yet) cannot be saved.");
            }

            string full = Path.GetFullPath(path);
            string indexTemp = TempPath(full);
            string labelsTemp = TempPath(full + IndexSidecar.Extension);
            try
            {
                native.Save(indexTemp);
                var sidecar = new IndexSidecar
                {
                    Metric = Metric.Name,
                    Aggregation = Aggregation,
                    Options = Options,
                    Dimension = d,
                    NextKey = _keyClass.Count,
                    Classes = _classes.Select(c => new IndexSidecar.StoredClass(
                        c.Label,
                        Aggregation == KShotAggregation.Prototype ? [] : [.. c.Keys],
                        Aggregation == KShotAggregation.Prototype ? [] : c.Keys.Select(key => _keyNorm[(int)key]).ToArray(),
                        c.PrototypeKey,
                        Aggregation == KShotAggregation.Prototype ? [.. c.Samples] : [])).ToArray(),
                };
                sidecar.Write(labelsTemp, indexTemp);
                File.Move(indexTemp, full, overwrite: true);
                File.Move(labelsTemp, full + IndexSidecar.Extension, overwrite: true);
            }
            finally
            {
                File.Delete(indexTemp);
                File.Delete(labelsTemp);
            }
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
            _native?.Dispose();
            _native = null;
            _classes.Clear();
            _byLabel.Clear();
            _keyClass.Clear();
            _keyNorm.Clear();
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        // The lock is left to the GC so that a racing caller sees this index's ObjectDisposedException.
    }

    private bool IsCosine => ReferenceEquals(Metric, KnownMetrics.Cosine);

    private static USearchSupportIndex Open(string path, bool view)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        var sidecar = IndexSidecar.Read(full + IndexSidecar.Extension, full);
        var native = new USearchIndex(full, view);
        try
        {
            if ((int)native.Dimensions() != sidecar.Dimension)
            {
                throw new InvalidDataException($"'{full}' holds {native.Dimensions()}-dimensional vectors; its label file says {sidecar.Dimension}.");
            }

            // The file does not keep the expansion factors: apply the ones the index was saved with.
            NativeTuning.SetExpansion(native, sidecar.Options.ExpansionAdd, sidecar.Options.ExpansionSearch);
            return new USearchSupportIndex(sidecar, native, view);
        }
        catch
        {
            native.Dispose();
            throw;
        }
    }

    private static string TempPath(string target) =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");

    private static void Normalize(Span<float> vector)
    {
        float norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }

    private IReadOnlyList<SupportMatch> SearchOne(USearchIndex native, float[] query, int k)
    {
        int classes = _classes.Count;
        int nodes = Aggregation == KShotAggregation.Prototype ? classes : _count;
        int wanted = Aggregation == KShotAggregation.Prototype
            ? Math.Min(nodes, k)
            : Math.Min(nodes, Math.Max(MinimumCandidates, k * Options.SamplesPerClass));
        while (true)
        {
            int found = native.Search(query, wanted, out ulong[] keys, out float[] distances);
            var samples = new List<(int, string, double)>(found);
            for (int i = 0; i < found; i++)
            {
                if (keys[i] < (ulong)_keyClass.Count && _keyClass[(int)keys[i]] is { } entry)
                {
                    samples.Add((entry.Rank, entry.Label, ToDistance(distances[i])));
                }
            }

            var top = ClassRanking.TopClasses(samples, k);
            if (top.Count >= Math.Min(k, classes) || wanted >= nodes)
            {
                return top;
            }

            // Many samples of few classes filled the candidates: fetch more until k classes come back.
            wanted = (int)Math.Min(nodes, wanted * 4L);
        }
    }

    private double ToDistance(float native) =>
        ReferenceEquals(Metric, KnownMetrics.Euclidean) ? Math.Sqrt(Math.Max(0, native)) : native;

    private void AddSamples(USearchIndex native, IReadOnlyList<string> labels, ReadOnlySpan<float> vectors, int d)
    {
        var keys = new ulong[labels.Count];
        var rows = new float[labels.Count][];
        var norms = new float[labels.Count];
        for (int i = 0; i < labels.Count; i++)
        {
            keys[i] = (ulong)(_keyClass.Count + i);
            rows[i] = vectors.Slice(i * d, d).ToArray();
            norms[i] = TensorPrimitives.Norm(rows[i]);
            if (IsCosine && norms[i] > 0)
            {
                TensorPrimitives.Divide(rows[i], norms[i], rows[i]);
            }
        }

        native.Add(keys, rows);
        for (int i = 0; i < labels.Count; i++)
        {
            var entry = GetOrAddClass(labels[i]);
            entry.Keys.Add(keys[i]);
            entry.SampleCount++;
            _keyClass.Add(entry);
            _keyNorm.Add(norms[i]);
        }
    }

    private void AddToPrototypes(USearchIndex native, IReadOnlyList<string> labels, ReadOnlySpan<float> vectors, int d)
    {
        var changed = new List<ClassEntry>();
        for (int i = 0; i < labels.Count; i++)
        {
            var entry = GetOrAddClass(labels[i]);
            entry.Samples.AddRange(vectors.Slice(i * d, d));
            entry.SampleCount++;
            if (!changed.Contains(entry))
            {
                changed.Add(entry);
            }
        }

        // A changed class's mean replaces its node under a fresh key (USearch keys are not reused after removal).
        var keys = new ulong[changed.Count];
        var means = new float[changed.Count][];
        for (int c = 0; c < changed.Count; c++)
        {
            var entry = changed[c];
            if (entry.PrototypeKey != ClassEntry.NoKey)
            {
                native.Remove(entry.PrototypeKey);
                _keyClass[(int)entry.PrototypeKey] = null;
            }

            var mean = new float[d];
            var samples = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(entry.Samples);
            for (int s = 0; s < entry.SampleCount; s++)
            {
                TensorPrimitives.Add(mean, samples.Slice(s * d, d), mean);
            }

            TensorPrimitives.Divide(mean, entry.SampleCount, mean);
            if (IsCosine)
            {
                Normalize(mean);
            }

            entry.PrototypeKey = (ulong)_keyClass.Count;
            _keyClass.Add(entry);
            _keyNorm.Add(0);
            keys[c] = entry.PrototypeKey;
            means[c] = mean;
        }

        native.Add(keys, means);
    }

    private ClassEntry GetOrAddClass(string label)
    {
        if (!_byLabel.TryGetValue(label, out var entry))
        {
            entry = new ClassEntry(label) { Rank = _classes.Count };
            _classes.Add(entry);
            _byLabel[label] = entry;
        }

        return entry;
    }

    private USearchIndex EnsureNative(int d)
    {
        if (_native is { } existing)
        {
            return existing;
        }

        var quantization = Options.Quantization switch
        {
            USearchQuantization.F16 => ScalarKind.Float16,
            USearchQuantization.I8 => ScalarKind.Int8,
            _ => ScalarKind.Float32,
        };
        // I8 stores values scaled by 127, so its inner product is not 1 - a.b: USearch's cosine undoes the scale, and on
        // the normalised vectors stored for the cosine metric it equals the inner product.
        var metric = ReferenceEquals(Metric, KnownMetrics.Euclidean) ? MetricKind.L2sq
            : Options.Quantization == USearchQuantization.I8 ? MetricKind.Cos
            : MetricKind.Ip;
        _native = new USearchIndex(metric, quantization, (ulong)d, (ulong)Options.Connectivity, (ulong)Options.ExpansionAdd, (ulong)Options.ExpansionSearch);
        _dimension = d;
        return _native;
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

    private void ThrowIfReadOnly()
    {
        if (_readOnly)
        {
            throw new NotSupportedException("This index is a read-only memory-mapped view (USearchSupportIndex.View); load it with USearchSupportIndex.Load to change it.");
        }
    }

    /// <summary>A class: its label, its place, and its graph keys (samples) or its samples and prototype key.</summary>
    private sealed class ClassEntry(string label)
    {
        public const ulong NoKey = ulong.MaxValue;

        public string Label { get; set; } = label;

        public int Rank { get; set; }

        public List<ulong> Keys { get; } = [];

        public List<float> Samples { get; set; } = [];

        public int SampleCount { get; set; }

        public ulong PrototypeKey { get; set; } = NoKey;
    }
}
