namespace Siamese.Net.Data;

/// <summary>
/// Builds the batches of an <see cref="IIndexedBatchSource{TBatch}"/> on background threads, ahead of the consumer,
/// so that training does not wait for decoding and augmentation. The sequence of batches is exactly the source's
/// (for a seed and epoch) whatever the worker count, because each batch is a pure function of (seed, epoch, index)
/// and batches are yielded in index order.
/// </summary>
/// <remarks>
/// <para>At most <see cref="BatchLoaderOptions.PrefetchBatches"/> batches exist ahead of the consumer. A worker's
/// exception (for example a corrupt image) is rethrown to the consumer at that batch's position, after the batches
/// before it. Cancellation throws <see cref="OperationCanceledException"/> at the next batch.</para>
/// <para>Ending the enumeration early (break, exception, cancellation) stops and joins the workers and disposes every
/// batch built but not yielded; batches already yielded belong to the consumer. Yielded tensors belong to no dispose
/// scope: dispose each batch.</para>
/// </remarks>
/// <typeparam name="TBatch">The batch type.</typeparam>
public sealed class BatchLoader<TBatch> : IBatchSource<TBatch>, IImageFileSource
    where TBatch : IDisposable
{
    private readonly IIndexedBatchSource<TBatch> _source;
    private int _activeWorkers;

    /// <summary>Wraps a source.</summary>
    /// <param name="source">The batches to build.</param>
    /// <param name="options">Worker count and prefetch depth; defaults when null.</param>
    public BatchLoader(IIndexedBatchSource<TBatch> source, BatchLoaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        Options = options ?? new BatchLoaderOptions();
    }

    /// <summary>The loader's settings.</summary>
    public BatchLoaderOptions Options { get; }

    /// <inheritdoc />
    public int BatchesPerEpoch => _source.BatchesPerEpoch;

    /// <summary>Worker threads currently alive across this loader's open enumerations (0 once they have ended).</summary>
    public int ActiveWorkers => Volatile.Read(ref _activeWorkers);

    /// <inheritdoc />
    public IEnumerable<TBatch> ReadEpoch(int epoch, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return Options.WorkerCount == 0 ? _source.ReadEpoch(epoch, cancellationToken) : Read(epoch, cancellationToken);
    }

    private IEnumerable<TBatch> Read(int epoch, CancellationToken cancellationToken)
    {
        int total = _source.BatchesPerEpoch;
        using var run = new Run(this, epoch, total, cancellationToken);
        for (int i = 0; i < total; i++)
        {
            yield return run.Take(i);
        }
    }

    /// <summary>One enumeration of one epoch: its workers, its buffer and its failure, if any.</summary>
    private sealed class Run : IDisposable
    {
        private readonly BatchLoader<TBatch> _owner;
        private readonly int _epoch;
        private readonly int _capacity;
        private readonly CancellationToken _cancellationToken;
        private readonly object _gate = new();
        private readonly Dictionary<int, TBatch> _ready = [];
        private readonly Thread[] _threads;
        private readonly CancellationTokenRegistration _registration;
        private int _nextClaim;
        private int _consumed;
        private int _claimLimit;
        private bool _stopping;
        private Exception? _failure;
        private int _failureIndex = int.MaxValue;

        public Run(BatchLoader<TBatch> owner, int epoch, int total, CancellationToken cancellationToken)
        {
            _owner = owner;
            _epoch = epoch;
            _claimLimit = total;
            _capacity = owner.Options.PrefetchBatches;
            _cancellationToken = cancellationToken;
            _registration = cancellationToken.Register(Wake);
            _threads = new Thread[Math.Min(owner.Options.WorkerCount, Math.Max(1, total))];
            for (int t = 0; t < _threads.Length; t++)
            {
                _threads[t] = new Thread(Work)
                {
                    IsBackground = true,
                    Name = $"Siamese.Net batch loader {t}",
                };
                Interlocked.Increment(ref _owner._activeWorkers);
                _threads[t].Start();
            }
        }

        public TBatch Take(int index)
        {
            lock (_gate)
            {
                while (true)
                {
                    // Checked first: a cancelled read yields nothing more even when the next batch is ready.
                    _cancellationToken.ThrowIfCancellationRequested();
                    if (_ready.Remove(index, out var batch))
                    {
                        _consumed = index + 1;
                        Monitor.PulseAll(_gate);
                        return batch;
                    }

                    if (_failure is not null && _failureIndex == index)
                    {
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(_failure).Throw();
                    }

                    Monitor.Wait(_gate);
                }
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _stopping = true;
                Monitor.PulseAll(_gate);
            }

            foreach (var thread in _threads)
            {
                thread.Join();
            }

            _registration.Dispose();
            foreach (var batch in _ready.Values)
            {
                batch.Dispose();
            }

            _ready.Clear();
        }

        private void Wake()
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }

        private void Work()
        {
            try
            {
                while (true)
                {
                    int index;
                    lock (_gate)
                    {
                        while (!Stopped() && _nextClaim < _claimLimit && _nextClaim >= _consumed + _capacity)
                        {
                            Monitor.Wait(_gate);
                        }

                        if (Stopped() || _nextClaim >= _claimLimit)
                        {
                            return;
                        }

                        index = _nextClaim++;
                    }

                    TBatch batch;
                    try
                    {
                        batch = _owner._source.ReadBatch(_epoch, index);
                    }
#pragma warning disable CA1031 // Any failure is handed to the consumer, which rethrows it at this batch's position.
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        lock (_gate)
                        {
                            if (index < _failureIndex)
                            {
                                _failure = ex;
                                _failureIndex = index;
                            }

                            _claimLimit = Math.Min(_claimLimit, index);
                            Monitor.PulseAll(_gate);
                        }

                        return;
                    }

                    bool keep;
                    lock (_gate)
                    {
                        keep = !_stopping;
                        if (keep)
                        {
                            _ready[index] = batch;
                            Monitor.PulseAll(_gate);
                        }
                    }

                    if (!keep)
                    {
                        batch.Dispose();
                        return;
                    }
                }
            }
            finally
            {
                Interlocked.Decrement(ref _owner._activeWorkers);
            }
        }

        private bool Stopped() => _stopping || _cancellationToken.IsCancellationRequested;
    }

    /// <summary>The wrapped source's image files (none when it reads no files).</summary>
    public IEnumerable<string> ImagePaths => (_source as IImageFileSource)?.ImagePaths ?? [];

    /// <summary>The wrapped source's decoder (the default decoder when it reads no files).</summary>
    public Imaging.IImageDecoder Decoder => (_source as IImageFileSource)?.Decoder ?? Imaging.StbImageDecoder.Default;
}
