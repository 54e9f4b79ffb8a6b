using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Evaluation;

/// <summary>
/// N-way K-shot evaluation of an encoder: each query of an episode is assigned to the class of its nearest support
/// sample (or prototype), and the per-episode accuracies are summarised with a 95 % confidence interval
/// (<see cref="ConfidenceIntervalMethod.NormalOverEpisodes"/>).
/// </summary>
public static class EpisodeEvaluator
{
    /// <summary>Evaluates an encoder on episodes (their images already preprocessed, as <see cref="EpisodeSource"/> gives them).</summary>
    /// <param name="encoder">The encoder (or <see cref="SiameseNetwork"/>); run in evaluation mode, its previous mode restored afterwards.</param>
    /// <param name="episodes">At least two episodes; each is disposed after use.</param>
    /// <param name="distance">Distance between embeddings; Euclidean when null.</param>
    /// <param name="aggregation">How K-shot classes are scored.</param>
    /// <param name="cancellationToken">Cancels between episodes.</param>
    /// <returns>Mean episode accuracy with its confidence interval.</returns>
    /// <exception cref="ArgumentException">Fewer than two episodes, or an episode with inconsistent labels.</exception>
    public static AccuracyEstimate Evaluate(
        nn.Module<Tensor, Tensor> encoder,
        IEnumerable<FewShotEpisode> episodes,
        IDistance? distance = null,
        KShotAggregation aggregation = KShotAggregation.NearestSample,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(episodes);
        distance ??= new EuclideanDistance();
        bool wasTraining = encoder.training;
        encoder.eval();
        try
        {
            var accuracies = new List<double>();
            foreach (var episode in episodes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using (episode)
                {
                    accuracies.Add((double)CountCorrect(encoder, episode, distance, aggregation) / episode.QueryCount);
                }
            }

            return EpisodeAccuracy.Summarize(accuracies);
        }
        finally
        {
            encoder.train(wasTraining);
        }
    }

    /// <summary>Counts the correctly classified queries of one episode (the encoder's mode is left as it is).</summary>
    /// <param name="encoder">The encoder.</param>
    /// <param name="episode">The episode (not disposed).</param>
    /// <param name="distance">Distance between embeddings.</param>
    /// <param name="aggregation">How K-shot classes are scored.</param>
    /// <returns>Number of queries assigned to their true class.</returns>
    /// <exception cref="ArgumentException">Labels outside 0..N-1, a class without support, or no queries.</exception>
    public static int CountCorrect(nn.Module<Tensor, Tensor> encoder, FewShotEpisode episode, IDistance distance, KShotAggregation aggregation)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(episode);
        ArgumentNullException.ThrowIfNull(distance);
        int ways = episode.Ways;
        if (episode.QueryCount == 0)
        {
            throw new ArgumentException("The episode has no queries.", nameof(episode));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = encoder.parameters().FirstOrDefault()?.device ?? CPU;
        long supportCount = episode.Support.shape[0];
        var embeddings = encoder.call(cat([episode.Support, episode.Query], 0).to(device)).to(float32).cpu();
        var support = embeddings.narrow(0, 0, supportCount);
        var queries = embeddings.narrow(0, supportCount, episode.QueryCount);
        var labels = episode.SupportLabels.to(int64).cpu();
        var counts = bincount(labels, minlength: ways);
        if (labels.min().item<long>() < 0 || labels.max().item<long>() >= ways || counts.shape[0] != ways || counts.min().item<long>() == 0)
        {
            throw new ArgumentException($"Support labels must cover every class 0..{ways - 1} and nothing else.", nameof(episode));
        }

        Tensor classDistances;
        if (aggregation == KShotAggregation.Prototype)
        {
            var prototypes = zeros(ways, support.shape[1]).index_add_(0, labels, support, 1) / counts.to(float32).unsqueeze(1);
            classDistances = distance.Matrix(queries, prototypes);
        }
        else
        {
            var sampleDistances = distance.Matrix(queries, support);
            // N is small (5 or 20 ways): one masked minimum per class.
            classDistances = stack(
                Enumerable.Range(0, ways).Select(c => sampleDistances.masked_fill(labels.ne(c).unsqueeze(0), float.PositiveInfinity).amin(1)),
                1);
        }

        var predicted = classDistances.argmin(1);
        return (int)predicted.eq(episode.QueryLabels.to(int64).cpu()).sum().item<long>();
    }
}
