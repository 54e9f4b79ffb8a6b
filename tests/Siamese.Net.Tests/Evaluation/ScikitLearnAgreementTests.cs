using System.Text.Json;
using Siamese.Net.Evaluation;
using Siamese.Net.Tests.Reference;

namespace Siamese.Net.Tests.Evaluation;

/// <summary>
/// The metrics agree with scikit-learn / scipy / numpy on the fixed score lists of evaluation_reference.json
/// (made by evaluation_reference.py), ties included.
/// </summary>
public sealed class ScikitLearnAgreementTests
{
    private const double Tolerance = 1e-12;

    public static TheoryData<string> VerificationCases()
    {
        var data = new TheoryData<string>();
        foreach (var c in EvaluationReference.Root.GetProperty("verification").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(VerificationCases))]
    public void Roc_curve_and_auc_match_sklearn(string name)
    {
        var (c, scores) = Load(name);

        var roc = scores.Roc();

        roc.FalseAcceptRates.Should().Equal(c.GetProperty("roc_fpr").Doubles(), Close);
        roc.TruePositiveRates.Should().Equal(c.GetProperty("roc_tpr").Doubles(), Close);
        var expectedThresholds = c.GetProperty("roc_thresholds").EnumerateArray().Select(t => t.NullableDouble()).ToArray();
        roc.Thresholds.Should().HaveCount(expectedThresholds.Length);
        roc.Thresholds[0].Should().Be(scores.Kind == ScoreKind.Distance ? double.NegativeInfinity : double.PositiveInfinity);
        roc.Thresholds.Skip(1).Should().Equal(expectedThresholds.Skip(1).Select(t => t!.Value), Close);
        roc.Auc.Should().BeApproximately(c.GetProperty("auc").GetDouble(), Tolerance);
        scores.Auc().Should().BeApproximately(c.GetProperty("auc").GetDouble(), Tolerance);
    }

    [Theory]
    [MemberData(nameof(VerificationCases))]
    public void Eer_and_its_threshold_match_the_sklearn_roc(string name)
    {
        var (c, scores) = Load(name);

        var eer = scores.Eer();

        eer.Rate.Should().BeApproximately(c.GetProperty("eer").GetDouble(), Tolerance);
        eer.Threshold.Should().Be(c.GetProperty("eer_threshold").GetDouble());
        eer.AtThreshold.FalseAcceptRate.Should().BeApproximately(c.GetProperty("eer_point_far").GetDouble(), Tolerance);
        eer.AtThreshold.FalseRejectRate.Should().BeApproximately(c.GetProperty("eer_point_frr").GetDouble(), Tolerance);
        ThresholdCalibration.AtEqualErrorRate(scores).Should().Be(eer.AtThreshold);
    }

    [Theory]
    [MemberData(nameof(VerificationCases))]
    public void Far_frr_and_accuracy_at_a_threshold_match_sklearn_confusion_matrix(string name)
    {
        var (c, scores) = Load(name);

        foreach (var expected in c.GetProperty("at_thresholds").EnumerateArray())
        {
            var m = scores.At(expected.GetProperty("threshold").GetDouble());

            m.Accuracy.Should().BeApproximately(expected.GetProperty("accuracy").GetDouble(), Tolerance);
            m.FalseAcceptRate.Should().BeApproximately(expected.GetProperty("far").GetDouble(), Tolerance);
            m.FalseRejectRate.Should().BeApproximately(expected.GetProperty("frr").GetDouble(), Tolerance);
            (m.TruePositives, m.FalsePositives, m.TrueNegatives, m.FalseNegatives).Should().Be((
                expected.GetProperty("tp").GetInt32(), expected.GetProperty("fp").GetInt32(),
                expected.GetProperty("tn").GetInt32(), expected.GetProperty("fn").GetInt32()));
        }
    }

    [Theory]
    [MemberData(nameof(VerificationCases))]
    public void Calibrated_thresholds_match_a_brute_force_search_with_sklearn(string name)
    {
        var (c, scores) = Load(name);

        var best = ThresholdCalibration.ForBestAccuracy(scores);
        var expectedBest = c.GetProperty("best_accuracy");
        best.Threshold.Should().Be(expectedBest.GetProperty("threshold").GetDouble());
        best.Accuracy.Should().BeApproximately(expectedBest.GetProperty("accuracy").GetDouble(), Tolerance);

        foreach (var target in c.GetProperty("target_far").EnumerateArray())
        {
            var m = ThresholdCalibration.AtFalseAcceptRate(scores, target.GetProperty("target").GetDouble());

            m.Threshold.Should().Be(target.GetProperty("threshold").GetDouble());
            m.FalseAcceptRate.Should().BeApproximately(target.GetProperty("far").GetDouble(), Tolerance);
            m.TruePositiveRate.Should().BeApproximately(target.GetProperty("tpr").GetDouble(), Tolerance);
            m.FalseAcceptRate.Should().BeLessThanOrEqualTo(target.GetProperty("target").GetDouble());
        }
    }

    [Fact]
    public void Episode_confidence_interval_matches_numpy()
    {
        var e = EvaluationReference.Root.GetProperty("episodes");

        var estimate = EpisodeEvaluator.Summarize(e.GetProperty("accuracies").Doubles());

        estimate.Method.Should().Be(ConfidenceIntervalMethod.NormalOverEpisodes);
        estimate.Mean.Should().BeApproximately(e.GetProperty("mean").GetDouble(), Tolerance);
        estimate.Lower.Should().BeApproximately(e.GetProperty("lower").GetDouble(), Tolerance);
        estimate.Upper.Should().BeApproximately(e.GetProperty("upper").GetDouble(), Tolerance);
        estimate.SampleCount.Should().Be(40);
    }

    [Fact]
    public void Wilson_interval_matches_scipy_binomtest()
    {
        foreach (var w in EvaluationReference.Root.GetProperty("wilson").EnumerateArray())
        {
            var estimate = EpisodeEvaluator.Wilson(w.GetProperty("correct").GetInt32(), w.GetProperty("total").GetInt32());

            estimate.Lower.Should().BeApproximately(w.GetProperty("lower").GetDouble(), 1e-9);
            estimate.Upper.Should().BeApproximately(w.GetProperty("upper").GetDouble(), 1e-9);
        }
    }

    [Fact]
    public void Precision_at_1_and_map_at_r_match_the_numpy_definition()
    {
        foreach (var r in EvaluationReference.Root.GetProperty("retrieval").EnumerateArray())
        {
            var rows = r.GetProperty("distances").EnumerateArray().Select(x => x.Doubles()).ToArray();
            var distances = new double[rows.Length, rows[0].Length];
            for (int i = 0; i < rows.Length; i++)
            {
                for (int j = 0; j < rows[i].Length; j++)
                {
                    distances[i, j] = rows[i][j];
                }
            }

            var result = RetrievalMetrics.FromDistances(
                distances, r.GetProperty("query_labels").Ints(), r.GetProperty("reference_labels").Ints(), r.GetProperty("same_set").GetBoolean());

            result.PrecisionAt1.Should().BeApproximately(r.GetProperty("precision_at_1").GetDouble(), Tolerance);
            result.MeanAveragePrecisionAtR.Should().BeApproximately(r.GetProperty("map_at_r").GetDouble(), Tolerance);
            result.QueryCount.Should().Be(r.GetProperty("query_count").GetInt32());
            result.ExcludedQueryCount.Should().Be(r.GetProperty("excluded").GetInt32());
        }
    }

    private static bool Close(double actual, double expected) => Math.Abs(actual - expected) <= Tolerance;

    private static (JsonElement Case, VerificationScores Scores) Load(string name)
    {
        var c = EvaluationReference.Root.GetProperty("verification").EnumerateArray()
            .Single(x => x.GetProperty("name").GetString() == name);
        var values = c.GetProperty("scores").Doubles();
        var same = c.GetProperty("is_same").Bools();
        var scores = c.GetProperty("kind").GetString() == "distance"
            ? VerificationScores.FromDistances(values, same)
            : VerificationScores.FromSimilarities(values, same);
        return (c, scores);
    }
}
