using System.Runtime.InteropServices;
using Siamese.Net.Data;

namespace FaceSimilarity;

/// <summary>
/// Reads an indexed batch source batch by batch and rebuilds a batch whose construction failed inside libtorch.
/// </summary>
/// <remarks>
/// Why: on the shared, heavily loaded development machine one real-data run stopped once at epoch 3 with a native
/// <c>c10::Scalar::toDouble</c> check failing inside the augmentation's tensor arithmetic (a corrupt scalar, not bad
/// data); the same batch builds fine when read again. Batches are a pure function of (seed, epoch, index), so a rebuilt
/// batch is the batch the run would have had: the retry changes no result. File errors (missing or corrupt images) are
/// not native errors and still stop the run with the file's name.
/// </remarks>
internal sealed class RetryingBatchSource<TBatch>(IIndexedBatchSource<TBatch> inner, Action<string> warn, int attempts = 3) : IBatchSource<TBatch>
    where TBatch : IDisposable
{
    public int BatchesPerEpoch => inner.BatchesPerEpoch;

    public IEnumerable<TBatch> ReadEpoch(int epoch, CancellationToken cancellationToken = default)
    {
        for (int b = 0; b < inner.BatchesPerEpoch; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Read(epoch, b);
        }
    }

    private TBatch Read(int epoch, int batchIndex)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return inner.ReadBatch(epoch, batchIndex);
            }
            catch (ExternalException ex) when (attempt < attempts)
            {
                warn($"libtorch failed while building batch {batchIndex + 1} of epoch {epoch + 1} ({ex.Message.Split('\n')[0].Trim()}); building it again (attempt {attempt + 1} of {attempts}).");
            }
        }
    }
}
