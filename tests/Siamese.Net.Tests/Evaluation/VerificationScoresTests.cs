using Siamese.Net.Evaluation;

namespace Siamese.Net.Tests.Evaluation;

public sealed class VerificationScoresTests
{
    private static readonly double[] Distances = [0.1, 0.4, 0.4, 0.9, 1.5, 0.3];
    private static readonly PairLabel[] Labels =
        [PairLabel.Same, PairLabel.Same, PairLabel.Different, PairLabel.Different, PairLabel.Different, PairLabel.Same];

    [Fact]
    public void Distance_and_negated_similarity_give_the_same_rates_with_thresholds_in_their_own_units()
    {
        var asDistance = VerificationScores.FromDistances(Distances, Labels);
        var asSimilarity = VerificationScores.FromSimilarities(Distances.Select(d => -d).ToArray(), Labels);

        var rd = asDistance.Roc();
        var rs = asSimilarity.Roc();

        rd.FalseAcceptRates.Should().Equal(rs.FalseAcceptRates);
        rd.TruePositiveRates.Should().Equal(rs.TruePositiveRates);
        rd.Thresholds.Skip(1).Should().Equal(rs.Thresholds.Skip(1).Select(t => -t));
        asDistance.Eer().Threshold.Should().Be(-asSimilarity.Eer().Threshold);
        asDistance.At(0.4).Should().BeEquivalentTo(asSimilarity.At(-0.4), o => o.Excluding(m => m.Threshold).Excluding(m => m.Kind));
    }

    [Fact]
    public void A_distance_threshold_accepts_pairs_at_or_below_it()
    {
        var m = VerificationScores.FromDistances(Distances, Labels).At(0.4);

        // Accepted: 0.1 (same), 0.4 (same), 0.4 (different), 0.3 (same).
        (m.TruePositives, m.FalsePositives, m.TrueNegatives, m.FalseNegatives).Should().Be((3, 1, 2, 0));
        m.FalseAcceptRate.Should().BeApproximately(1.0 / 3, 1e-15);
        m.FalseRejectRate.Should().Be(0);
        m.Accuracy.Should().BeApproximately(5.0 / 6, 1e-15);
        m.Kind.Should().Be(ScoreKind.Distance);
    }

    [Fact]
    public void Tied_scores_give_the_same_curve_whatever_their_order()
    {
        var order = new[] { 5, 2, 4, 1, 0, 3 };
        var shuffled = VerificationScores.FromDistances(order.Select(i => Distances[i]).ToArray(), order.Select(i => Labels[i]).ToArray());
        var original = VerificationScores.FromDistances(Distances, Labels);

        shuffled.Roc().TruePositiveRates.Should().Equal(original.Roc().TruePositiveRates);
        shuffled.Roc().FalseAcceptRates.Should().Equal(original.Roc().FalseAcceptRates);
        shuffled.Auc().Should().Be(original.Auc());
    }

    [Fact]
    public void Bool_and_label_overloads_agree()
    {
        var same = Labels.Select(l => l == PairLabel.Same).ToArray();

        VerificationScores.FromDistances(Distances, same).Roc().Auc
            .Should().Be(VerificationScores.FromDistances(Distances, Labels).Roc().Auc);
    }

    [Fact]
    public void Tensor_overloads_agree_with_the_array_ones()
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var targets = PairTargets.FromLabels(Labels);

        var fromTensor = VerificationScores.FromDistances(TorchSharp.torch.tensor(Distances.Select(d => (float)d).ToArray()), targets);

        fromTensor.IsSame.Should().Equal(Labels.Select(l => l == PairLabel.Same));
        fromTensor.Scores.Should().Equal(Distances.Select(d => (double)(float)d));
        VerificationScores.FromSimilarities(TorchSharp.torch.tensor(new[] { 0.9, 0.1 }), PairTargets.FromLabels([PairLabel.Same, PairLabel.Different]))
            .Auc().Should().Be(1);
        FluentActions.Invoking(() => VerificationScores.FromDistances(TorchSharp.torch.zeros(6, 1), targets))
            .Should().Throw<ArgumentException>().WithMessage("*rank-1*[6, 1]*");
    }

    [Fact]
    public void A_perfect_separation_has_auc_1_and_eer_0()
    {
        var scores = VerificationScores.FromSimilarities([0.9, 0.8, 0.2, 0.1], [true, true, false, false]);

        scores.Auc().Should().Be(1);
        scores.Eer().Rate.Should().Be(0);
        scores.Eer().Threshold.Should().Be(0.8);
        ThresholdCalibration.ForBestAccuracy(scores).Accuracy.Should().Be(1);
    }

    [Fact]
    public void A_target_far_below_any_achievable_point_returns_the_accept_nothing_threshold()
    {
        // The best-scored pair is a different pair: any acceptance has FAR >= 1/2.
        var scores = VerificationScores.FromDistances([0.1, 0.2, 0.3, 0.4], [false, true, false, true]);

        var m = ThresholdCalibration.AtFalseAcceptRate(scores, 0.1);

        m.Threshold.Should().Be(double.NegativeInfinity);
        m.FalseAcceptRate.Should().Be(0);
        m.TruePositiveRate.Should().Be(0);
    }

    [Fact]
    public void Bad_input_says_what_is_wrong()
    {
        FluentActions.Invoking(() => VerificationScores.FromDistances([0.1, double.NaN], Labels.Take(2).ToArray()))
            .Should().Throw<ArgumentException>().WithMessage("*distances[1] is NaN*");
        FluentActions.Invoking(() => VerificationScores.FromSimilarities([0.1, double.PositiveInfinity], [true, false]))
            .Should().Throw<ArgumentException>().WithMessage("*similarities[1]*finite*");
        FluentActions.Invoking(() => VerificationScores.FromDistances([0.1, 0.2], Labels))
            .Should().Throw<ArgumentException>().WithMessage("*2 distances but 6 labels*");
        FluentActions.Invoking(() => VerificationScores.FromDistances([], Array.Empty<bool>()))
            .Should().Throw<ArgumentException>().WithMessage("*empty*");
        FluentActions.Invoking(() => VerificationScores.FromDistances([0.1], [(PairLabel)0]))
            .Should().Throw<ArgumentException>().WithMessage("*labels[0] is 0*");
        FluentActions.Invoking(() => VerificationScores.FromDistances([0.1, 0.2], [true, true]).Roc())
            .Should().Throw<InvalidOperationException>().WithMessage("*2 same and 0 different*");
        FluentActions.Invoking(() => VerificationScores.FromDistances(Distances, Labels).At(double.NaN))
            .Should().Throw<ArgumentException>().WithMessage("*NaN*");
        FluentActions.Invoking(() => ThresholdCalibration.AtFalseAcceptRate(VerificationScores.FromDistances(Distances, Labels), 1.5))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("targetFalseAcceptRate");
    }
}
