using TorchSharp;

namespace Siamese.Net.Data;

/// <summary>
/// Base of the library's dataset sources: reads an epoch in order on the calling thread, one batch at a time. Wrap a
/// source in <see cref="BatchLoader{TBatch}"/> to decode on background threads instead.
/// </summary>
/// <typeparam name="TBatch">The batch type.</typeparam>
public abstract class IndexedBatchSource<TBatch> : IIndexedBatchSource<TBatch>
    where TBatch : IDisposable
{
    /// <inheritdoc />
    public abstract int BatchesPerEpoch { get; }

    /// <inheritdoc />
    public IEnumerable<TBatch> ReadEpoch(int epoch, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return Read(epoch, cancellationToken);
    }

    /// <inheritdoc />
    public TBatch ReadBatch(int epoch, int batchIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if (batchIndex < 0 || batchIndex >= BatchesPerEpoch)
        {
            throw new ArgumentOutOfRangeException(nameof(batchIndex), batchIndex, $"The source has {BatchesPerEpoch} batches per epoch.");
        }

        using var scope = torch.NewDisposeScope();
        var batch = BuildBatch(epoch, batchIndex);

        // Hand the tensors to the caller outright: on a loader thread there is no outer scope to move them to, and
        // the same rule on every thread means a batch is always disposed the same way.
        scope.Detach(BatchTensors(batch));
        return batch;
    }

    /// <summary>Builds batch <paramref name="batchIndex"/> of <paramref name="epoch"/> (arguments already checked).</summary>
    /// <param name="epoch">The epoch.</param>
    /// <param name="batchIndex">The batch index.</param>
    /// <returns>The batch; intermediate tensors are disposed by the caller's scope.</returns>
    protected abstract TBatch BuildBatch(int epoch, int batchIndex);

    /// <summary>The tensors (and other disposables) the batch owns, which must outlive the building scope.</summary>
    /// <param name="batch">A batch from <see cref="BuildBatch"/>.</param>
    /// <returns>The disposables to detach from the scope.</returns>
    protected abstract IEnumerable<IDisposable> BatchTensors(TBatch batch);

    private IEnumerable<TBatch> Read(int epoch, CancellationToken cancellationToken)
    {
        for (int b = 0; b < BatchesPerEpoch; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return ReadBatch(epoch, b);
        }
    }
}
