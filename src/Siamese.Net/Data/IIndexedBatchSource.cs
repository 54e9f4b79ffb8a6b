namespace Siamese.Net.Data;

/// <summary>
/// A batch source whose batches can be produced independently and in any order: batch <c>b</c> of epoch <c>e</c> is a
/// pure function of (seed, e, b). This is what lets <see cref="BatchLoader{TBatch}"/> build batches on several
/// threads and still yield exactly the sequence that <see cref="IBatchSource{TBatch}.ReadEpoch"/> would.
/// </summary>
/// <typeparam name="TBatch">The batch type.</typeparam>
public interface IIndexedBatchSource<out TBatch> : IBatchSource<TBatch>
    where TBatch : IDisposable
{
    /// <summary>
    /// Builds one batch. Safe to call from several threads at once. The returned tensors belong to no dispose
    /// scope: the caller disposes the batch.
    /// </summary>
    /// <param name="epoch">The epoch (0-based).</param>
    /// <param name="batchIndex">The batch, 0 to <see cref="IBatchSource{TBatch}.BatchesPerEpoch"/> - 1.</param>
    /// <returns>A new batch owned by the caller.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The epoch is negative or the index is out of range.</exception>
    TBatch ReadBatch(int epoch, int batchIndex);
}
