using Siamese.Net.Data;
using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// Training on labelled batches (e.g. M images per class) with a <see cref="MetricLoss"/> such as a triplet loss with
/// a miner; validation treats each batch as an N-way episode.
/// </summary>
internal sealed class MetricTrainingTask : ITrainingTask<LabelledBatch>
{
    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly MetricLoss _loss;

    public MetricTrainingTask(nn.Module<Tensor, Tensor> network, MetricLoss loss)
    {
        _network = network;
        _loss = loss;
        Modules = [network, loss];
    }

    /// <inheritdoc />
    public IReadOnlyList<nn.Module> Modules { get; }

    /// <inheritdoc />
    public ValidationKind ValidationKind => ValidationKind.Episodes;

    /// <inheritdoc />
    public long Count(LabelledBatch batch) => batch.Count;

    /// <inheritdoc />
    public Tensor Loss(LabelledBatch batch, Device device) =>
        _loss.Compute(_network.forward(batch.Images.to(device)), batch.ClassIds.to(device));

    /// <inheritdoc />
    public IValidationPass<LabelledBatch> BeginValidation()
    {
        var distance = PairTrainingTask.ValidationDistance(_network, _loss);
        return new EpisodeValidationPass<LabelledBatch>(
            (batch, device) =>
            {
                var embeddings = _network.forward(batch.Images.to(device));
                var loss = _loss.Compute(embeddings, batch.ClassIds.to(device));
                return (loss, embeddings, batch.ClassIds);
            },
            distance.Matrix);
    }
}
