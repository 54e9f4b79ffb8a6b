namespace Siamese.Net.Evaluation;

/// <summary>
/// Chooses a decision threshold on validation pairs (never on the test pairs it will be reported on). Every
/// candidate threshold is an observed score (or the accept-nothing +/-infinity), and a pair is accepted when its
/// similarity is &gt;= or its distance &lt;= the threshold, exactly as <see cref="VerificationScores.At(double)"/>.
/// The returned metrics are those on the calibration pairs.
/// </summary>
public static class ThresholdCalibration
{
    /// <summary>The threshold nearest the equal-error point (see <see cref="EqualErrorRate.AtThreshold"/>).</summary>
    /// <param name="validation">Validation pairs with both same and different pairs.</param>
    /// <exception cref="InvalidOperationException">There are no same pairs or no different pairs.</exception>
    public static ThresholdMetrics AtEqualErrorRate(VerificationScores validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        return validation.Eer().AtThreshold;
    }

    /// <summary>
    /// The most lenient threshold whose false accept rate does not exceed <paramref name="targetFalseAcceptRate"/>:
    /// the highest true positive rate under that FAR, and among equal TPRs the lowest FAR. It may be the
    /// accept-nothing threshold (+infinity for similarities, -infinity for distances) when even the best-scored
    /// different pair would exceed the target.
    /// </summary>
    /// <param name="validation">Validation pairs with both same and different pairs.</param>
    /// <param name="targetFalseAcceptRate">Largest tolerated FAR, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">The target is outside [0, 1] or NaN.</exception>
    /// <exception cref="InvalidOperationException">There are no same pairs or no different pairs.</exception>
    public static ThresholdMetrics AtFalseAcceptRate(VerificationScores validation, double targetFalseAcceptRate)
    {
        ArgumentNullException.ThrowIfNull(validation);
        if (!(targetFalseAcceptRate >= 0 && targetFalseAcceptRate <= 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(targetFalseAcceptRate), targetFalseAcceptRate, "The target false accept rate must be in [0, 1].");
        }

        var points = validation.Points();
        var best = points[0];
        foreach (var point in points)
        {
            if (point.FalseAcceptRate <= targetFalseAcceptRate && point.TruePositiveRate > best.TruePositiveRate)
            {
                best = point;
            }
        }

        return best;
    }

    /// <summary>The threshold with the highest accuracy on the validation pairs; on a tie, the strictest one.</summary>
    /// <param name="validation">Validation pairs with both same and different pairs.</param>
    /// <exception cref="InvalidOperationException">There are no same pairs or no different pairs.</exception>
    public static ThresholdMetrics ForBestAccuracy(VerificationScores validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        var points = validation.Points();
        var best = points[0];
        foreach (var point in points)
        {
            if (point.Accuracy > best.Accuracy)
            {
                best = point;
            }
        }

        return best;
    }
}
