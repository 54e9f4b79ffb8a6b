using Siamese.Net.Distances;
using Siamese.Net.Miners;
using Siamese.Net.Reducers;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// The one loss contract, as pytorch-metric-learning's <c>BaseMetricLossFunction</c>: a loss takes the embeddings of
/// one batch, optionally their labels and optionally index tuples (pairs or triplets), and is a distance + a per-item
/// loss + a reducer. It is a <see cref="torch.nn.Module"/>, so a loss with parameters (a BCE head, class proxies) is
/// moved, optimised and checkpointed with the network.
/// </summary>
/// <remarks>
/// <para>Where the tuples come from, in order: the <c>tuples</c> argument (a pair or triplet source gives them), else the
/// loss's <see cref="Miner"/> run on the detached embeddings, else whatever the loss derives from the labels (all
/// pairs, all triplets, classes). A loss converts pairs to triplets and back as it needs (<see cref="PairsOf"/>,
/// <see cref="TripletsOf"/>).</para>
/// <para>A derived loss implements only <see cref="PerItem"/>; the base checks shapes, mines, reduces and counts the
/// active tuples that the trainer reports.</para>
/// </remarks>
public abstract class MetricLoss : nn.Module
{
    /// <summary>Initialises the loss.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="distance">The distance or similarity; Euclidean when null.</param>
    /// <param name="reducer">The reducer; <see cref="KnownReducers.Mean"/> when null.</param>
    /// <param name="miner">The miner for labelled batches without tuples; none when null.</param>
    protected MetricLoss(string name, IDistance? distance = null, IReducer? reducer = null, IMiner? miner = null)
        : base(name)
    {
        Distance = distance ?? new EuclideanDistance();
        Reducer = reducer ?? KnownReducers.Mean;
        Miner = miner;
    }

    /// <summary>The distance or similarity the loss is measured in; validation and inference rank by it too.</summary>
    public IDistance Distance { get; }

    /// <summary>How per-item losses become the training scalar.</summary>
    public IReducer Reducer { get; }

    /// <summary>The miner used on labelled batches that carry no tuples, or null.</summary>
    public IMiner? Miner { get; }

    /// <summary>
    /// The fewest images of each class a labelled (P×K) batch must hold for this loss to find anything to learn from:
    /// 1 by default (a proxy or classification loss learns from single images), 2 for losses that need positive pairs
    /// (with K = 1 they would see zero active tuples on every step). A trainer or batch source rejects a P×K
    /// configuration with fewer images per class at construction.
    /// </summary>
    public virtual int MinimumImagesPerClass => 1;

    /// <summary>Computes the reduced loss of a batch.</summary>
    /// <param name="embeddings">Embeddings [N, D].</param>
    /// <param name="labels">Integer class ids [N], or null when <paramref name="tuples"/> say everything the loss needs.</param>
    /// <param name="tuples">Pairs or triplets into the batch, or null to mine them (or derive them from the labels).</param>
    /// <returns>The loss (a scalar unless the reducer is <see cref="KnownReducers.None"/>).</returns>
    /// <exception cref="ArgumentException">Shapes do not match, or the loss needs labels that were not given.</exception>
    public Tensor Compute(Tensor embeddings, Tensor? labels = null, IndexTuples? tuples = null)
    {
        var output = Evaluate(embeddings, labels, tuples);
        output.ActiveTuples.Dispose();
        output.Tuples.Dispose();
        return output.Value;
    }

    /// <summary>Computes the loss of a batch with the number of tuples that were active.</summary>
    /// <param name="embeddings">Embeddings [N, D].</param>
    /// <param name="labels">Integer class ids [N], or null.</param>
    /// <param name="tuples">Pairs or triplets into the batch, or null.</param>
    /// <returns>The loss and its tuple counts (the caller disposes them).</returns>
    /// <exception cref="ArgumentException">Shapes do not match, or the loss needs labels that were not given.</exception>
    public LossOutput Evaluate(Tensor embeddings, Tensor? labels = null, IndexTuples? tuples = null)
    {
        Guard.Embeddings(embeddings);
        if (labels is not null)
        {
            Guard.Labels(labels, embeddings.shape[0]);
        }

        // Mined, converted and moved tuples are created inside this scope and disposed with it.
        using var scope = NewDisposeScope();
        var device = embeddings.device;
        var ids = labels?.to(device);
        IndexTuples? given = tuples?.ToDevice(device);
        if (given is null && Miner is not null && ids is not null)
        {
            using var noGrad = no_grad();
            given = Miner.Mine(embeddings.detach(), ids, Distance);
        }

        var perItem = PerItem(embeddings, ids, given);
        var value = Reducer.Reduce(perItem);
        using var noGradCounts = no_grad();
        var detached = perItem.detach();
        var active = detached.gt(0).sum().to(ScalarType.Int64);
        var count = full(1, detached.numel(), ScalarType.Int64, device).squeeze(0);
        return new LossOutput(value.MoveToOuterDisposeScope(), active.MoveToOuterDisposeScope(), count.MoveToOuterDisposeScope());
    }

    /// <summary>The per-item losses of a batch (per pair, triplet, query...), reduced by the base.</summary>
    /// <param name="embeddings">Embeddings [N, D] (checked).</param>
    /// <param name="labels">Class ids [N] on the embeddings' device, or null.</param>
    /// <param name="tuples">Given or mined tuples on the embeddings' device, or null.</param>
    /// <returns>Losses [T] (T may be 0), inside the caller's dispose scope.</returns>
    protected abstract Tensor PerItem(Tensor embeddings, Tensor? labels, IndexTuples? tuples);

    /// <summary>The tuples as pairs, or all pairs of the labels when there are no tuples.</summary>
    /// <param name="labels">Class ids, or null.</param>
    /// <param name="tuples">Tuples, or null.</param>

    /// <returns>Pairs, disposed by the caller's scope.</returns>
    /// <exception cref="ArgumentException">Neither tuples nor labels were given.</exception>
    protected PairTuples PairsOf(Tensor? labels, IndexTuples? tuples) => tuples switch
    {
        PairTuples pairs => pairs,
        not null => tuples.ToPairs(),
        null when labels is not null => PairTuples.AllPairs(labels),
        _ => throw NeedsLabelsOrTuples(),
    };

    /// <summary>The tuples as triplets, or all triplets of the labels when there are no tuples.</summary>
    /// <param name="labels">Class ids, or null.</param>
    /// <param name="tuples">Tuples, or null.</param>
    /// <returns>Triplets, disposed by the caller's scope.</returns>
    /// <exception cref="ArgumentException">Neither tuples nor labels were given.</exception>
    protected TripletTuples TripletsOf(Tensor? labels, IndexTuples? tuples) => tuples switch
    {
        TripletTuples triplets => triplets,
        not null => tuples.ToTriplets(),
        null when labels is not null => TripletTuples.AllTriplets(labels),
        _ => throw NeedsLabelsOrTuples(),
    };

    /// <summary>The labels, or an exception naming the loss when the batch has none.</summary>
    /// <param name="labels">Class ids, or null.</param>
    /// <returns>The labels.</returns>
    /// <exception cref="ArgumentException">The labels are null.</exception>
    protected Tensor RequireLabels(Tensor? labels) => labels
        ?? throw new ArgumentException($"{GetName()} needs class labels; this batch has only pair or triplet tuples (use a labelled or P×K source).", nameof(labels));

    /// <summary>
    /// Positive and negative masks [N, N] of the pairs to use: all pairs of the labels when there are no tuples,
    /// otherwise the given or mined tuples as pairs.
    /// </summary>
    private protected (Tensor Positive, Tensor Negative) PairMasks(Tensor embeddings, Tensor? labels, IndexTuples? tuples) =>
        tuples is null
            ? LossMath.Masks(RequireLabels(labels))
            : LossMath.Masks(PairsOf(labels, tuples), embeddings.shape[0], embeddings.device);

    private ArgumentException NeedsLabelsOrTuples() =>
        new($"{GetName()} needs either class labels or pair/triplet tuples; the batch has neither.", "labels");
}
