namespace Siamese.Net.Data;

/// <summary>
/// A source of P×K batches (P classes, K images each), which says its K so the trainer can refuse, before the first
/// step, a loss that can never find a positive in such batches (a triplet loss on K = 1).
/// </summary>
/// <typeparam name="TBatch">The batch type.</typeparam>
public interface IPerClassBatchSource<out TBatch> : IBatchSource<TBatch>
    where TBatch : IDisposable
{
    /// <summary>K: images of each class per batch.</summary>
    int ImagesPerClass { get; }
}
