namespace Siamese.Net.Evaluation;

/// <summary>
/// Summaries of N-way K-shot evaluation: each episode classifies its queries among N classes given K support
/// examples each, and the accuracy is reported with a 95 % confidence interval.
/// </summary>
public static class EpisodeAccuracy
{
    /// <summary>The 97.5 % quantile of the standard normal distribution.</summary>
    internal const double Z95 = 1.959963984540054;

    /// <summary>
    /// Mean episode accuracy with the normal-approximation interval over episodes
    /// (<see cref="ConfidenceIntervalMethod.NormalOverEpisodes"/>), the convention of few-shot papers.
    /// </summary>
    /// <param name="episodeAccuracies">Accuracy of each episode, in [0, 1]; at least two episodes.</param>
    /// <exception cref="ArgumentException">Fewer than two episodes, or an accuracy outside [0, 1] or NaN.</exception>
    public static AccuracyEstimate Summarize(IReadOnlyList<double> episodeAccuracies)
    {
        ArgumentNullException.ThrowIfNull(episodeAccuracies);
        int n = episodeAccuracies.Count;
        if (n < 2)
        {
            throw new ArgumentException(
                $"A confidence interval over episodes needs at least 2 episodes; got {n}.", nameof(episodeAccuracies));
        }

        for (int i = 0; i < n; i++)
        {
            if (!(episodeAccuracies[i] >= 0 && episodeAccuracies[i] <= 1))
            {
                throw new ArgumentException(
                    $"episodeAccuracies[{i}] is {episodeAccuracies[i]}; an accuracy must be in [0, 1].", nameof(episodeAccuracies));
            }
        }

        double mean = episodeAccuracies.Average();
        double sumSquares = episodeAccuracies.Sum(a => (a - mean) * (a - mean));
        double sd = Math.Sqrt(sumSquares / (n - 1));
        double half = Z95 * sd / Math.Sqrt(n);
        return new AccuracyEstimate(mean, mean - half, mean + half, n, ConfidenceIntervalMethod.NormalOverEpisodes);
    }

    /// <summary>
    /// Mean episode accuracy from the number of correct queries of each episode, with the normal-approximation
    /// interval over episodes.
    /// </summary>
    /// <param name="correctPerEpisode">Correctly classified queries of each episode.</param>
    /// <param name="queriesPerEpisode">Queries in each episode (N classes x queries per class).</param>
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
                throw new ArgumentException(
                    $"correctPerEpisode[{i}] is {correctPerEpisode[i]}, outside [0, {queriesPerEpisode}].", nameof(correctPerEpisode));
            }
        }

        return Summarize(correctPerEpisode.Select(c => (double)c / queriesPerEpisode).ToArray());
    }

    /// <summary>A pooled accuracy (all queries of all episodes together) with its Wilson score interval.</summary>
    /// <param name="correct">Correctly classified queries.</param>
    /// <param name="total">All queries; positive.</param>
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
