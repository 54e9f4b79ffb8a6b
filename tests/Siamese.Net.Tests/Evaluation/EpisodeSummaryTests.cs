using Siamese.Net.Evaluation;

namespace Siamese.Net.Tests.Evaluation;

public sealed class EpisodeSummaryTests
{
    [Fact]
    public void Correct_counts_are_turned_into_episode_accuracies()
    {
        var fromCounts = EpisodeEvaluator.Summarize([5, 4, 3, 5], queriesPerEpisode: 5);
        var fromRates = EpisodeEvaluator.Summarize([1.0, 0.8, 0.6, 1.0]);

        fromCounts.Should().Be(fromRates);
        fromCounts.Mean.Should().BeApproximately(0.85, 1e-15);
        // Sample sd of (1, .8, .6, 1) is 0.19149; 1.96 * 0.19149 / 2.
        fromCounts.HalfWidth.Should().BeApproximately(1.959963984540054 * 0.1914854215512676 / 2, 1e-12);
    }

    [Fact]
    public void Identical_episodes_have_a_zero_width_interval()
    {
        var estimate = EpisodeEvaluator.Summarize([0.6, 0.6, 0.6]);

        estimate.Lower.Should().Be(0.6);
        estimate.Upper.Should().Be(0.6);
    }

    [Fact]
    public void Wilson_interval_stays_inside_0_1()
    {
        var all = EpisodeEvaluator.Wilson(20, 20);

        all.Upper.Should().Be(1);
        all.Lower.Should().BeGreaterThan(0.8).And.BeLessThan(1);
        all.Method.Should().Be(ConfidenceIntervalMethod.Wilson);
    }

    [Fact]
    public void Bad_input_says_what_is_wrong()
    {
        FluentActions.Invoking(() => EpisodeEvaluator.Summarize([0.5]))
            .Should().Throw<ArgumentException>().WithMessage("*at least 2 episodes*got 1*");
        FluentActions.Invoking(() => EpisodeEvaluator.Summarize([0.5, 1.2]))
            .Should().Throw<ArgumentException>().WithMessage("*episodeAccuracies[1] is 1.2*");
        FluentActions.Invoking(() => EpisodeEvaluator.Summarize([0.5, double.NaN]))
            .Should().Throw<ArgumentException>().WithMessage("*episodeAccuracies[1]*");
        FluentActions.Invoking(() => EpisodeEvaluator.Summarize([3, 6], queriesPerEpisode: 5))
            .Should().Throw<ArgumentException>().WithMessage("*correctPerEpisode[1] is 6*");
        FluentActions.Invoking(() => EpisodeEvaluator.Wilson(3, 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => EpisodeEvaluator.Wilson(4, 3)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
