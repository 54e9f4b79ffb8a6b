namespace Siamese.Net.Data;

/// <summary>Threads and buffering of a <see cref="BatchLoader{TBatch}"/>.</summary>
public sealed record BatchLoaderOptions
{
    private readonly int _workerCount = 2;
    private readonly int _prefetchBatches = 4;

    /// <summary>
    /// Background threads building batches (default 2). 0 builds each batch on the consuming thread when it is
    /// requested (no background work; useful for debugging).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or above 64.</exception>
    public int WorkerCount
    {
        get => _workerCount;
        init => _workerCount = value is >= 0 and <= 64
            ? value
            : throw new ArgumentOutOfRangeException(nameof(WorkerCount), value, "WorkerCount must be in [0, 64].");
    }

    /// <summary>
    /// The most batches built (or being built) ahead of the consumer (default 4): the bound on the loader's memory.
    /// Values below the worker count leave workers idle.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int PrefetchBatches
    {
        get => _prefetchBatches;
        init => _prefetchBatches = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(PrefetchBatches), value, "PrefetchBatches must be at least 1.");
    }
}
