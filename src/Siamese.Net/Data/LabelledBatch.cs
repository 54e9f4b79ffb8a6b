using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Data;

/// <summary>
/// The library's training batch: images, optionally their class labels, optionally pair or triplet tuples into them
/// (see <see cref="ITrainingBatch"/>). Owns its tensors.
/// </summary>
/// <param name="Images">Images [N, C, H, W].</param>
/// <param name="Labels">Class ids [N], Int64, or null. Only equality between ids matters.</param>
/// <param name="Tuples">Pairs or triplets into the batch, or null.</param>
public sealed record LabelledBatch(Tensor Images, Tensor? Labels = null, IndexTuples? Tuples = null) : ITrainingBatch
{
    /// <summary>Number of images.</summary>
    public long Count => Images.shape[0];

    /// <summary>The tensors and tuples this batch owns (what a source detaches from its building scope).</summary>
    /// <returns>The disposables.</returns>
    public IEnumerable<IDisposable> Disposables()
    {
        yield return Images;
        if (Labels is not null)
        {
            yield return Labels;
        }

        if (Tuples is not null)
        {
            yield return Tuples;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Images.Dispose();
        Labels?.Dispose();
        Tuples?.Dispose();
    }
}
