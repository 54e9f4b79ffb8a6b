using Siamese.Net.Distances;
using Siamese.Net.Reducers;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// The prototypical-network loss (Snell, Swersky &amp; Zemel 2017) on an M-per-class batch: in each class the first
/// <see cref="Shots"/> images (in batch order) form the prototype, every other image is a query, and the loss is the
/// cross-entropy of a softmax over negative squared Euclidean distances from each query to every prototype. Training
/// this way is a direct rehearsal of the one-shot test, which is why it beats pair and triplet losses on Omniglot.
/// </summary>
/// <remarks>
/// Feed it batches with at least <see cref="Shots"/> + 1 images of every class (e.g. <c>MPerClassBatchSource</c> or
/// <c>EpisodeSource</c>); where the classes sit in the batch does not matter. Distances are squared Euclidean, as in
/// the paper (the loss's <see cref="MetricLoss.Distance"/> is reported as Euclidean, which ranks the same); with a plain
/// Euclidean distance the logits' range shrinks and training is slower. Train 1-shot for a
/// 1-shot test and use more ways than the test (the paper: 60-way training for 20-way tests).
/// </remarks>
public sealed class PrototypicalLoss : MetricLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="shots">Support images per class, at least 1 (1 = one-shot prototypes).</param>
    /// <param name="reducer">How per-query losses are combined; the mean when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shots"/> is less than 1.</exception>
    public PrototypicalLoss(int shots = 1, IReducer? reducer = null)
        : base(nameof(PrototypicalLoss), new EuclideanDistance(), reducer)
    {
        Shots = Guard.AtLeast(shots, 1);
    }

    /// <summary>Support images per class.</summary>
    public int Shots { get; }

    /// <inheritdoc />
    /// <remarks><see cref="Shots"/> support images and at least one query: Shots + 1.</remarks>
    public override int MinimumImagesPerClass => Shots + 1;

    /// <inheritdoc />
    protected override Tensor PerItem(Tensor embeddings, Tensor? labels, IndexTuples? tuples)
    {
        var classIds = RequireLabels(labels);
        long n = embeddings.shape[0];
        var same = classIds.unsqueeze(1).eq(classIds.unsqueeze(0));                      // [N, N]
        // Rank of each image within its class = how many earlier images share its class.
        var earlier = same.logical_and(ones(n, n, dtype: ScalarType.Bool, device: same.device).tril(-1));
        var rank = earlier.sum(1);
        var support = rank.lt(Shots);
        var queries = support.logical_not().nonzero().squeeze(1);
        if (queries.shape[0] == 0)
        {
            throw new ArgumentException($"No query images: every class has at most {Shots} image(s) in the batch; use more images per class.", nameof(labels));
        }

        var representatives = rank.eq(0).nonzero().squeeze(1);                            // one image per class
        var membership = same.index_select(0, representatives).logical_and(support.unsqueeze(0)).to(embeddings.dtype);
        var prototypes = membership.matmul(embeddings) / membership.sum(1, keepdim: true); // [C, D]
        var q = embeddings.index_select(0, queries);
        var squared = q.pow(2).sum(1, keepdim: true) - 2 * q.matmul(prototypes.t()) + prototypes.pow(2).sum(1).unsqueeze(0);
        var targets = same.index_select(0, queries).index_select(1, representatives).to(ScalarType.Int64).argmax(1);
        return nn.functional.cross_entropy(-squared.clamp_min(0), targets, reduction: nn.Reduction.None);
    }
}
