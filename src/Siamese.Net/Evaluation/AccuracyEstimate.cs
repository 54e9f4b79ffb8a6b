namespace Siamese.Net.Evaluation;

/// <summary>An accuracy with its 95 % confidence interval.</summary>
/// <param name="Mean">The point estimate: mean episode accuracy, or the pooled proportion for <see cref="ConfidenceIntervalMethod.Wilson"/>.</param>
/// <param name="Lower">Lower end of the 95 % interval.</param>
/// <param name="Upper">Upper end of the 95 % interval.</param>
/// <param name="SampleCount">Number of episodes (normal method) or of trials (Wilson).</param>
/// <param name="Method">How the interval was computed.</param>
public sealed record AccuracyEstimate(double Mean, double Lower, double Upper, int SampleCount, ConfidenceIntervalMethod Method)
{
    /// <summary>
    /// Half the interval width: the "+/-" figure of "accuracy 98.1 +/- 0.2 %". Exact for the normal method; for the
    /// (asymmetric) Wilson interval, half of <see cref="Upper"/> - <see cref="Lower"/>.
    /// </summary>
    public double HalfWidth => (Upper - Lower) / 2;

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Mean:P2} ± {HalfWidth:P2} (95 % CI, {Method}, n = {SampleCount})");
}
