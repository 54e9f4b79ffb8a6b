using Siamese.Net.Data;
using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// Validation on N-way K-shot episodes: each query takes the class of its nearest support embedding (1-nearest
/// neighbour, as a Siamese network compares a query with every reference); the loss is the metric loss of the
/// episode's support and queries embedded together.
/// </summary>
internal sealed class FewShotEpisodeValidationPass : IValidationPass<FewShotEpisode>
{
    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly MetricLoss _loss;
    private readonly Func<Tensor, Tensor, Tensor> _distanceMatrix;
    private double _lossSum;
    private long _images;
    private long _queries;
    private long _correct;
    private long _ways;
    private long _episodes;

    public FewShotEpisodeValidationPass(nn.Module<Tensor, Tensor> network, MetricLoss loss, Func<Tensor, Tensor, Tensor> distanceMatrix)
    {
        _network = network;
        _loss = loss;
        _distanceMatrix = distanceMatrix;
    }

    /// <inheritdoc />
    public void Add(FewShotEpisode batch, Device device)
    {
        long supports = batch.Support.shape[0];
        var embeddings = _network.forward(cat([batch.Support.to(device), batch.Query.to(device)], 0));
        var supportEmbeddings = embeddings.narrow(0, 0, supports);
        var queryEmbeddings = embeddings.narrow(0, supports, batch.QueryCount);
        var labels = cat([batch.SupportLabels.to(ScalarType.Int64), batch.QueryLabels.to(ScalarType.Int64)], 0).to(device);
        _lossSum += _loss.Compute(embeddings, labels).to(ScalarType.Float64).item<double>() * embeddings.shape[0];
        _images += embeddings.shape[0];

        var nearest = _distanceMatrix(queryEmbeddings, supportEmbeddings).argmin(1);
        var predicted = batch.SupportLabels.to(ScalarType.Int64).to(device).index_select(0, nearest);
        _correct += predicted.eq(batch.QueryLabels.to(ScalarType.Int64).to(device)).sum().item<long>();
        _queries += batch.QueryCount;
        _ways += batch.Ways;
        _episodes++;
    }

    /// <inheritdoc />
    public ValidationMetrics Complete()
    {
        if (_queries == 0)
        {
            throw new InvalidOperationException("The validation episodes contain no queries.");
        }

        return new ValidationMetrics
        {
            Loss = _lossSum / _images,
            Accuracy = (double)_correct / _queries,
            Ways = (double)_ways / _episodes,
            Count = _queries,
        };
    }
}
