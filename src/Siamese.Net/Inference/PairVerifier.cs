using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Inference;

/// <summary>
/// Scores pairs with a trained network: the distance between the two embeddings of each pair, with its typed label,
/// ready for <see cref="VerificationScores"/>' ROC, EER and <see cref="ThresholdCalibration"/>.
/// </summary>
/// <remarks>
/// Runs in evaluation mode under <c>no_grad</c>, one batched forward per batch (both sides together), and restores
/// the network's training mode afterwards. Use it on validation pairs to calibrate a threshold and on test pairs to
/// report verification metrics.
/// </remarks>
public static class PairVerifier
{
    /// <summary>Scores every pair of one epoch of <paramref name="pairs"/> by embedding distance.</summary>
    /// <param name="network">The embedding network (a <see cref="SiameseNetwork"/> or any encoder).</param>
    /// <param name="pairs">The pairs; each batch is disposed after use.</param>
    /// <param name="distance">
    /// The distance; when null, the <see cref="SiameseNetwork.Distance"/> of a Siamese network, else Euclidean.
    /// </param>
    /// <param name="epoch">Which epoch of the source to read (sources that sample pairs draw them from it).</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>Distances with their labels; smaller means more alike.</returns>
    /// <exception cref="ArgumentException">The source yielded no pairs.</exception>
    public static VerificationScores Score(
        nn.Module<Tensor, Tensor> network,
        IBatchSource<ITrainingBatch> pairs,
        IDistance? distance = null,
        int epoch = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(pairs);
        distance ??= (network as SiameseNetwork)?.Distance ?? new EuclideanDistance();
        var distances = new List<double>();
        var same = new List<bool>();
        bool wasTraining = network.training;
        network.eval();
        try
        {
            using var noGrad = torch.no_grad();
            foreach (var batch in pairs.ReadEpoch(epoch, cancellationToken))
            {
                using (batch)
                using (var scope = torch.NewDisposeScope())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var device = DeviceOf(network);
                    var embeddings = network.call(batch.Images.to(device));
                    var pairTuples = batch.Tuples?.ToPairs() ?? (batch.Labels is { } labels ? Losses.PairTuples.AllPairs(labels) : null)
                        ?? throw new ArgumentException("A batch has neither pair tuples nor labels to form pairs from.", nameof(pairs));
                    var p = (Losses.PairTuples)pairTuples.ToDevice(device);
                    var positive = distance.Pairwise(embeddings.index_select(0, p.PositiveFirst), embeddings.index_select(0, p.PositiveSecond));
                    var negative = distance.Pairwise(embeddings.index_select(0, p.NegativeFirst), embeddings.index_select(0, p.NegativeSecond));
                    distances.AddRange(distance.AsDistance(positive).to(ScalarType.Float64).cpu().data<double>().ToArray());
                    same.AddRange(Enumerable.Repeat(true, (int)positive.shape[0]));
                    distances.AddRange(distance.AsDistance(negative).to(ScalarType.Float64).cpu().data<double>().ToArray());
                    same.AddRange(Enumerable.Repeat(false, (int)negative.shape[0]));
                }
            }
        }
        finally
        {
            network.train(wasTraining);
        }

        if (distances.Count == 0)
        {
            throw new ArgumentException("The pair source yielded no pairs to score.", nameof(pairs));
        }

        return VerificationScores.FromDistances(distances, same);
    }

    private static Device DeviceOf(nn.Module<Tensor, Tensor> network)
    {
        foreach (var parameter in network.parameters())
        {
            return parameter.device;
        }

        return CPU;
    }
}
