namespace Siamese.Net.Evaluation;

/// <summary>
/// The confusion counts and rates of a verification decision at one threshold. "Accepted" means predicted
/// <see cref="PairLabel.Same"/>: <c>score &gt;= Threshold</c> for similarities, <c>distance &lt;= Threshold</c> for distances.
/// </summary>
/// <param name="Threshold">The threshold, in the units of the scores (see <paramref name="Kind"/>).</param>
/// <param name="Kind">Whether <paramref name="Threshold"/> is a similarity or a distance.</param>
/// <param name="TruePositives">Same pairs accepted.</param>
/// <param name="FalsePositives">Different pairs accepted (false accepts).</param>
/// <param name="TrueNegatives">Different pairs rejected.</param>
/// <param name="FalseNegatives">Same pairs rejected (false rejects).</param>
public sealed record ThresholdMetrics(
    double Threshold,
    ScoreKind Kind,
    int TruePositives,
    int FalsePositives,
    int TrueNegatives,
    int FalseNegatives)
{
    /// <summary>Number of pairs.</summary>
    public int Count => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;

    /// <summary>False accept rate (FAR, false positive rate): accepted different pairs / different pairs; NaN without different pairs.</summary>
    public double FalseAcceptRate => Ratio(FalsePositives, FalsePositives + TrueNegatives);

    /// <summary>False reject rate (FRR, false negative rate, 1 - TPR): rejected same pairs / same pairs; NaN without same pairs.</summary>
    public double FalseRejectRate => Ratio(FalseNegatives, FalseNegatives + TruePositives);

    /// <summary>True positive rate (recall of same pairs), 1 - <see cref="FalseRejectRate"/>.</summary>
    public double TruePositiveRate => Ratio(TruePositives, FalseNegatives + TruePositives);

    /// <summary>Fraction of pairs decided correctly.</summary>
    public double Accuracy => Ratio(TruePositives + TrueNegatives, Count);

    private static double Ratio(int numerator, int denominator) =>
        denominator == 0 ? double.NaN : (double)numerator / denominator;
}
