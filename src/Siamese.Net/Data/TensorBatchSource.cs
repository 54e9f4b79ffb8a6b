namespace Siamese.Net.Data;

/// <summary>
/// P×K batches of a <see cref="TensorDataset"/>, drawn by a <see cref="PKSampler"/>: the in-memory counterpart of
/// <see cref="MPerClassBatchSource"/>, with the same exact-resume contract.
/// </summary>
public sealed class TensorBatchSource : IndexedBatchSource<LabelledBatch>, IPerClassBatchSource<LabelledBatch>
{
    private readonly TensorDataset _dataset;
    private readonly PKSampler _sampler;

    /// <summary>Creates the source.</summary>
    /// <param name="dataset">The images; not owned.</param>
    /// <param name="sampler">The P×K sampler, built over <paramref name="dataset"/>'s class ids.</param>
    /// <param name="batchesPerEpoch">Batches per epoch; at least 1.</param>
    /// <exception cref="ArgumentException">The sampler was built over another number of items.</exception>
    public TensorBatchSource(TensorDataset dataset, PKSampler sampler, int batchesPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(sampler);
        if (sampler.ItemCount != dataset.Count)
        {
            throw new ArgumentException($"The sampler was built over {sampler.ItemCount} items but the dataset has {dataset.Count}.", nameof(sampler));
        }

        _dataset = dataset;
        _sampler = sampler;
        BatchesPerEpoch = Guard.AtLeast(batchesPerEpoch, 1);
    }

    /// <inheritdoc />
    public override int BatchesPerEpoch { get; }

    /// <summary>K: images of each class per batch.</summary>
    public int ImagesPerClass => _sampler.ItemsPerClass;

    /// <inheritdoc />
    protected override LabelledBatch BuildBatch(int epoch, int batchIndex) => _dataset.Batch(_sampler.Batch(epoch, batchIndex));

    /// <inheritdoc />
    protected override IEnumerable<IDisposable> BatchTensors(LabelledBatch batch) => batch.Disposables();
}
