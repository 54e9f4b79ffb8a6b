namespace Siamese.Net.Data;

/// <summary>
/// Produces the batches of one epoch. The sequence for a given epoch number is the same every time it is read
/// (for a fixed seed), which is what lets a resumed training run see exactly the batches it would have seen.
/// </summary>
/// <typeparam name="TBatch">The batch type, e.g. <see cref="LabelledBatch"/> or <see cref="FewShotEpisode"/>.</typeparam>
public interface IBatchSource<out TBatch>
    where TBatch : IDisposable
{
    /// <summary>Number of batches each epoch yields.</summary>
    int BatchesPerEpoch { get; }

    /// <summary>
    /// Reads the batches of <paramref name="epoch"/> (0-based) in order. The caller owns and disposes each batch.
    /// </summary>
    /// <param name="epoch">The epoch, which selects the shuffle and augmentation randomness.</param>
    /// <param name="cancellationToken">Stops reading at the next batch boundary.</param>
    IEnumerable<TBatch> ReadEpoch(int epoch, CancellationToken cancellationToken = default);
}
