using Siamese.Net.Data;
using Siamese.Net.Evaluation;
using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// Training on explicit (anchor, positive, negative) triplets with <see cref="TripletMarginLoss.ComputeTriplets"/>:
/// the three images of every triplet go through the network in one batched forward. Validation reads triplets too
/// and scores each as one same pair (anchor, positive) and one different pair (anchor, negative).
/// </summary>
internal sealed class TripletTrainingTask : ITrainingTask<TripletBatch, TripletBatch>
{
    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly TripletMarginLoss _loss;

    public TripletTrainingTask(nn.Module<Tensor, Tensor> network, TripletMarginLoss loss)
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
    public long Count(TripletBatch batch) => batch.Count;

    /// <inheritdoc />
    public Tensor Loss(TripletBatch batch, Device device)
    {
        var (anchor, positive, negative) = Embed(batch, device);
        return _loss.ComputeTriplets(anchor, positive, negative);
    }

    /// <inheritdoc />
    public IValidationPass<TripletBatch> BeginValidation()
    {
        var distance = PairTrainingTask.ValidationDistance(_network, _loss);
        return new PairValidationPass<TripletBatch>(
            (batch, device) =>
            {
                var (anchor, positive, negative) = Embed(batch, device);
                var loss = _loss.ComputeTriplets(anchor, positive, negative);
                var scores = cat([distance.Pairwise(anchor, positive), distance.Pairwise(anchor, negative)], 0);
                var isSame = cat([ones(batch.Count, ScalarType.Bool), zeros(batch.Count, ScalarType.Bool)], 0);
                return (loss, scores, isSame);
            },
            ScoreKind.Distance,
            lossWeight: batch => batch.Count);
    }

    private (Tensor Anchor, Tensor Positive, Tensor Negative) Embed(TripletBatch batch, Device device)
    {
        long n = batch.Count;
        if (batch.Positive.shape[0] != n || batch.Negative.shape[0] != n)
        {
            throw new ArgumentException(
                $"A triplet batch has {n} anchors, {batch.Positive.shape[0]} positives and {batch.Negative.shape[0]} negatives.");
        }

        var all = _network.forward(cat([batch.Anchor.to(device), batch.Positive.to(device), batch.Negative.to(device)], 0));
        return (all.narrow(0, 0, n), all.narrow(0, n, n), all.narrow(0, 2 * n, n));
    }
}
