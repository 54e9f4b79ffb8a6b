namespace Siamese.Net.Evaluation;

/// <summary>
/// The equal error rate of a verification score: the rate at which the false accept and false reject curves cross.
/// </summary>
/// <param name="Rate">
/// The EER, linearly interpolated between the two ROC points where FAR - FRR changes sign (exact when a point
/// has FAR = FRR). It is a property of the curve; no single threshold need achieve it on finite data.
/// </param>
/// <param name="AtThreshold">
/// The decision at the operating threshold nearest the crossing (the ROC point of the bracketing pair with the
/// smaller |FAR - FRR|, the stricter point on a tie, as <c>argmin(|FNR - FPR|)</c> over scikit-learn's curve). Its <see cref="ThresholdMetrics.Threshold"/> is the one to deploy.
/// </param>
public sealed record EqualErrorRate(double Rate, ThresholdMetrics AtThreshold)
{
    /// <summary>The threshold of <see cref="AtThreshold"/>, in the units of the scores.</summary>
    public double Threshold => AtThreshold.Threshold;
}
