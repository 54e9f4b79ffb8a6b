using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Embedding;
using Siamese.Net.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Evaluation;

/// <summary>
/// N-way K-shot evaluation: each query of an episode is assigned to the class of its nearest support sample (or
/// prototype) by <see cref="NearestClass"/>, with the network's own distance (<see cref="Embedder.DistanceOf"/>), and
/// per-episode accuracies are summarised with a 95 % confidence interval
/// (<see cref="ConfidenceIntervalMethod.NormalOverEpisodes"/>, the convention of few-shot papers) or pooled with a
/// Wilson interval.
/// </summary>
public static class EpisodeEvaluator
{
    /// <summary>The 97.5 % quantile of the standard normal distribution.</summary>
    internal const double Z95 = 1.959963984540054;

    /// <summary>Evaluates a network on episodes (their images already preprocessed, as <see cref="EpisodeSource"/> gives them).</summary>
    /// <param name="network">The encoder or <see cref="SiameseNetwork"/>; run in evaluation mode, its previous mode restored afterwards.</param>
    /// <param name="episodes">At least two episodes; each is disposed after use.</param>
    /// <param name="distance">The distance for a network that is not a <see cref="SiameseNetwork"/>; Euclidean when null.</param>
    /// <param name="aggregation">How K-shot classes are scored.</param>
    /// <param name="cancellationToken">Cancels between episodes.</param>
    /// <returns>Mean episode accuracy with its confidence interval.</returns>
    /// <exception cref="ArgumentException">Fewer than two episodes, or an episode with inconsistent labels.</exception>
    public static AccuracyEstimate Evaluate(
        nn.Module<Tensor, Tensor> network,
        IEnumerable<FewShotEpisode> episodes,
        IDistance? distance = null,
        KShotAggregation aggregation = KShotAggregation.NearestSample,
        CancellationToken cancellationToken = default) =>
        Evaluate(new Embedder(network, distance: distance), episodes, aggregation, cancellationToken);

    /// <summary>Evaluates an embedder (its network and distance) on episodes of preprocessed images.</summary>
    /// <param name="embedder">The embedder.</param>
    /// <param name="episodes">At least two episodes; each is disposed after use.</param>
    /// <param name="aggregation">How K-shot classes are scored.</param>
    /// <param name="cancellationToken">Cancels between episodes.</param>
    /// <returns>Mean episode accuracy with its confidence interval.</returns>
    /// <exception cref="ArgumentException">Fewer than two episodes, or an episode with inconsistent labels.</exception>
    public static AccuracyEstimate Evaluate(
        Embedder embedder,
        IEnumerable<FewShotEpisode> episodes,
        KShotAggregation aggregation = KShotAggregation.NearestSample,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(episodes);
        var accuracies = new List<double>();
        foreach (var episode in episodes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using (episode)
            {
                accuracies.Add((double)CountCorrect(embedder, episode, aggregation, cancellationToken) / episode.QueryCount);
            }
        }

        return Summarize(accuracies);
    }

    /// <summary>Counts the correctly classified queries of one episode.</summary>
    /// <param name="embedder">The embedder (network and distance).</param>
    /// <param name="episode">The episode (not disposed).</param>
    /// <param name="aggregation">How K-shot classes are scored.</param>
    /// <param name="cancellationToken">Cancels between forward passes.</param>
    /// <returns>Number of queries assigned to their true class.</returns>
    /// <exception cref="ArgumentException">Labels outside 0..N-1, a class without support, or no queries.</exception>
    public static int CountCorrect(Embedder embedder, FewShotEpisode episode, KShotAggregation aggregation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(episode);
        int ways = episode.Ways;
        if (episode.QueryCount == 0)
        {
            throw new ArgumentException("The episode has no queries.", nameof(episode));
        }

        using var scope = NewDisposeScope();
        var labels = episode.SupportLabels.to(ScalarType.Int64).cpu();
        var counts = bincount(labels, minlength: ways);
        if (labels.min().item<long>() < 0 || labels.max().item<long>() >= ways || counts.shape[0] != ways || counts.min().item<long>() == 0)
        {
            throw new ArgumentException($"Support labels must cover every class 0..{ways - 1} and nothing else.", nameof(episode));
        }

        long supportCount = episode.Support.shape[0];
        // One forward over support and queries together, as the classifier and trainer validation see them.
        var embeddings = embedder.EmbedPreprocessed(cat([episode.Support, episode.Query], 0), cancellationToken);
        var support = embeddings.narrow(0, 0, supportCount);
        var queries = embeddings.narrow(0, supportCount, episode.QueryCount);
        using var scores = NearestClass.Score(queries, support, labels, embedder.Distance, aggregation);
        using var predicted = scores.Predict();
        return (int)predicted.eq(episode.QueryLabels.to(ScalarType.Int64).cpu()).sum().item<long>();
    }

    /// <summary>
    /// Mean episode accuracy with the normal-approximation interval over episodes
    /// (<see cref="ConfidenceIntervalMethod.NormalOverEpisodes"/>): mean ± 1.96 · sd / sqrt(n), sd with n - 1.
    /// </summary>
    /// <param name="episodeAccuracies">Accuracy of each episode, in [0, 1]; at least two episodes.</param>
    /// <returns>The estimate.</returns>
    /// <exception cref="ArgumentException">Fewer than two episodes, or an accuracy outside [0, 1] or NaN.</exception>
    public static AccuracyEstimate Summarize(IReadOnlyList<double> episodeAccuracies)
    {
        ArgumentNullException.ThrowIfNull(episodeAccuracies);
        int n = episodeAccuracies.Count;
        if (n < 2)
        {
            throw new ArgumentException($"A confidence interval over episodes needs at least 2 episodes; got {n}.", nameof(episodeAccuracies));
        }

        for (int i = 0; i < n; i++)
        {
            if (!(episodeAccuracies[i] >= 0 && episodeAccuracies[i] <= 1))
            {
                throw new ArgumentException($"episodeAccuracies[{i}] is {episodeAccuracies[i]}; an accuracy must be in [0, 1].", nameof(episodeAccuracies));
            }
        }

        double mean = episodeAccuracies.Average();
        double sumSquares = episodeAccuracies.Sum(a => (a - mean) * (a - mean));
        double sd = Math.Sqrt(sumSquares / (n - 1));
        double half = Z95 * sd / Math.Sqrt(n);
        return new AccuracyEstimate(mean, mean - half, mean + half, n, ConfidenceIntervalMethod.NormalOverEpisodes);
    }

    /// <summary>Mean episode accuracy from the number of correct queries of each episode, with the interval over episodes.</summary>
    /// <param name="correctPerEpisode">Correctly classified queries of each episode.</param>
    /// <param name="queriesPerEpisode">Queries in each episode (N classes x queries per class).</param>
    /// <returns>The estimate.</returns>
    /// <exception cref="ArgumentException">Fewer than two episodes, or a count outside [0, <paramref name="queriesPerEpisode"/>].</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="queriesPerEpisode"/> is not positive.</exception>
    public static AccuracyEstimate Summarize(IReadOnlyList<int> correctPerEpisode, int queriesPerEpisode)
    {
        ArgumentNullException.ThrowIfNull(correctPerEpisode);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queriesPerEpisode);
        for (int i = 0; i < correctPerEpisode.Count; i++)
        {
            if (correctPerEpisode[i] < 0 || correctPerEpisode[i] > queriesPerEpisode)
            {
                throw new ArgumentException($"correctPerEpisode[{i}] is {correctPerEpisode[i]}, outside [0, {queriesPerEpisode}].", nameof(correctPerEpisode));
            }
        }

        return Summarize(correctPerEpisode.Select(c => (double)c / queriesPerEpisode).ToArray());
    }

    /// <summary>A pooled accuracy (all queries of all episodes together) with its Wilson score interval.</summary>
    /// <param name="correct">Correctly classified queries.</param>
    /// <param name="total">All queries; positive.</param>
    /// <returns>The estimate.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="total"/> is not positive, or <paramref name="correct"/> is outside [0, total].</exception>
    public static AccuracyEstimate Wilson(int correct, int total)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(total);
        if (correct < 0 || correct > total)
        {
            throw new ArgumentOutOfRangeException(nameof(correct), correct, $"The number of correct answers must be in [0, {total}].");
        }

        double p = (double)correct / total;
        double z2 = Z95 * Z95;
        double denominator = 1 + (z2 / total);
        double centre = (p + (z2 / (2.0 * total))) / denominator;
        double half = Z95 * Math.Sqrt((p * (1 - p) / total) + (z2 / (4.0 * total * total))) / denominator;
        return new AccuracyEstimate(p, Math.Max(0, centre - half), Math.Min(1, centre + half), total, ConfidenceIntervalMethod.Wilson);
    }
}
