using Siamese.Net.Data;
using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// Training on labelled batches (e.g. M images per class) with a <see cref="MetricLoss"/> such as a triplet loss with
/// a miner; validation is N-way classification of episodes.
/// </summary>
/// <typeparam name="TValidation">The validation batch type.</typeparam>
internal sealed class MetricTrainingTask<TValidation> : ITrainingTask<LabelledBatch, TValidation>
    where TValidation : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly MetricLoss _loss;
    private readonly Func<IValidationPass<TValidation>> _beginValidation;

    public MetricTrainingTask(nn.Module<Tensor, Tensor> network, MetricLoss loss, Func<IValidationPass<TValidation>> beginValidation)
    {
        _network = network;
        _loss = loss;
        _beginValidation = beginValidation;
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
    public IValidationPass<TValidation> BeginValidation() => _beginValidation();
}

/// <summary>Builds metric-loss tasks for the two kinds of episode validation.</summary>
internal static class MetricTrainingTask
{
    /// <summary>Validation batches are labelled batches, each one an episode (first image of a class = its support).</summary>
    public static MetricTrainingTask<LabelledBatch> WithBatchEpisodes(nn.Module<Tensor, Tensor> network, MetricLoss loss)
    {
        var distance = PairTrainingTask.ValidationDistance(network, loss);
        return new MetricTrainingTask<LabelledBatch>(network, loss, () => new EpisodeValidationPass<LabelledBatch>(
            (batch, device) =>
            {
                var embeddings = network.forward(batch.Images.to(device));
                return (loss.Compute(embeddings, batch.ClassIds.to(device)), embeddings, batch.ClassIds);
            },
            distance.Matrix));
    }

    /// <summary>Validation batches are N-way K-shot episodes with explicit support and query sets.</summary>
    public static MetricTrainingTask<FewShotEpisode> WithEpisodes(nn.Module<Tensor, Tensor> network, MetricLoss loss)
    {
        var distance = PairTrainingTask.ValidationDistance(network, loss);
        return new MetricTrainingTask<FewShotEpisode>(network, loss, () => new FewShotEpisodeValidationPass(network, loss, distance.Matrix));
    }
}
