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

    /// <summary>
    /// A batch of pairs as a pair source yields it: the N first images, then the N second images, with pair tuples
    /// (i, N + i) that are positive or negative as <paramref name="targets"/> says. Takes ownership of nothing: the
    /// images are concatenated into a new tensor.
    /// </summary>
    /// <param name="first">First images [N, C, H, W].</param>
    /// <param name="second">Second images [N, C, H, W].</param>
    /// <param name="targets">Whether each pair is a same pair [N].</param>
    /// <returns>The batch (the caller disposes it).</returns>
    /// <exception cref="ArgumentException">The two sides or the targets differ in count.</exception>
    public static LabelledBatch FromPairs(Tensor first, Tensor second, PairTargets targets)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(targets);
        if (first.shape[0] != second.shape[0] || first.shape[0] != targets.Count)
        {
            throw new ArgumentException($"A pair batch needs as many first images ({first.shape[0]}), second images ({second.shape[0]}) and targets ({targets.Count}).", nameof(targets));
        }

        return new LabelledBatch(cat([first, second], 0), null, PairTuples.FromPairTargets(targets));
    }

    /// <summary>
    /// A batch of explicit triplets as a triplet source yields it: N anchors, N positives, N negatives, with the
    /// packaged triplet tuples. The images are concatenated into a new tensor.
    /// </summary>
    /// <param name="anchors">Anchor images [N, C, H, W].</param>
    /// <param name="positives">Positive images [N, C, H, W].</param>
    /// <param name="negatives">Negative images [N, C, H, W].</param>
    /// <returns>The batch (the caller disposes it).</returns>
    /// <exception cref="ArgumentException">The three parts differ in count.</exception>
    public static LabelledBatch FromTriplets(Tensor anchors, Tensor positives, Tensor negatives)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(positives);
        ArgumentNullException.ThrowIfNull(negatives);
        long n = anchors.shape[0];
        if (positives.shape[0] != n || negatives.shape[0] != n)
        {
            throw new ArgumentException($"A triplet batch needs as many anchors ({n}), positives ({positives.shape[0]}) and negatives ({negatives.shape[0]}).", nameof(negatives));
        }

        return new LabelledBatch(cat([anchors, positives, negatives], 0), null, TripletTuples.Packaged(n));
    }

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
            foreach (var tensor in Tuples.Tensors())
            {
                yield return tensor;
            }
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
