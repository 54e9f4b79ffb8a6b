using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Evaluation;
using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// Training on pairs with a <see cref="PairLoss"/>: both images of every pair go through the network in one batched
/// forward (so batch-norm statistics see the whole batch, as in <c>SiameseNetwork.EmbedPair</c>).
/// </summary>
internal sealed class PairTrainingTask : ITrainingTask<PairBatch, PairBatch>
{
    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly PairLoss _loss;

    public PairTrainingTask(nn.Module<Tensor, Tensor> network, PairLoss loss)
    {
        _network = network;
        _loss = loss;
        Modules = [network, loss];
    }

    /// <inheritdoc />
    public IReadOnlyList<nn.Module> Modules { get; }

    /// <inheritdoc />
    public ValidationKind ValidationKind => ValidationKind.Pairs;

    /// <inheritdoc />
    public long Count(PairBatch batch) => batch.Count;

    /// <inheritdoc />
    public Tensor Loss(PairBatch batch, Device device)
    {
        var (first, second) = Embed(batch, device);
        return _loss.Compute(first, second, batch.Targets.To(device));
    }

    /// <inheritdoc />
    public IValidationPass<PairBatch> BeginValidation()
    {
        if (_loss is BceHeadLoss head)
        {
            return new PairValidationPass<PairBatch>(
                (batch, device) =>
                {
                    var (first, second) = Embed(batch, device);
                    var loss = _loss.Compute(first, second, batch.Targets.To(device));
                    return (loss, head.SameProbability(first, second), batch.Targets.IsSame);
                },
                ScoreKind.Similarity);
        }

        var distance = ValidationDistance(_network, _loss);
        return new PairValidationPass<PairBatch>(
            (batch, device) =>
            {
                var (first, second) = Embed(batch, device);
                var loss = _loss.Compute(first, second, batch.Targets.To(device));
                return (loss, distance.Pairwise(first, second), batch.Targets.IsSame);
            },
            ScoreKind.Distance);
    }

    /// <summary>
    /// The distance validation measures with: a <see cref="SiameseNetwork"/>'s own distance (the one inference uses),
    /// else the distance the loss trains (a contrastive loss on cosine distance makes cosine the meaningful score),
    /// else Euclidean.
    /// </summary>
    internal static IDistance ValidationDistance(nn.Module network, nn.Module loss) => (network, loss) switch
    {
        (SiameseNetwork siamese, _) => siamese.Distance,
        (_, ContrastiveLoss contrastive) => contrastive.Distance,
        (_, TripletMarginLoss triplet) => triplet.Distance,
        _ => new EuclideanDistance(),
    };

    private (Tensor First, Tensor Second) Embed(PairBatch batch, Device device)
    {
        long n = batch.First.shape[0];
        if (batch.Second.shape[0] != n)
        {
            throw new ArgumentException($"A pair batch has {n} first images but {batch.Second.shape[0]} second images.");
        }

        var both = _network.forward(cat([batch.First.to(device), batch.Second.to(device)], 0));
        return (both.narrow(0, 0, n), both.narrow(0, n, n));
    }
}
