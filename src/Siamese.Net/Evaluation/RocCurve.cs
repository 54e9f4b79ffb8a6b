namespace Siamese.Net.Evaluation;

/// <summary>
/// A receiver operating characteristic curve: one point per distinct score plus the "accept nothing" origin,
/// ordered from the strictest threshold to the most lenient one (as scikit-learn's <c>roc_curve</c> with
/// <c>drop_intermediate=False</c>). Tied scores form a single point, so the curve is the same whatever the
/// order of tied pairs.
/// </summary>
public sealed class RocCurve
{
    internal RocCurve(ScoreKind kind, double[] thresholds, double[] falseAcceptRates, double[] truePositiveRates)
    {
        Kind = kind;
        Thresholds = thresholds;
        FalseAcceptRates = falseAcceptRates;
        TruePositiveRates = truePositiveRates;
        FalseRejectRates = truePositiveRates.Select(t => 1 - t).ToArray();
        Auc = Trapezoid(falseAcceptRates, truePositiveRates);
    }

    /// <summary>Whether <see cref="Thresholds"/> are similarities or distances.</summary>
    public ScoreKind Kind { get; }

    /// <summary>
    /// Threshold of each point, in the units of the scores. The first is +infinity for similarities and
    /// -infinity for distances (nothing accepted).
    /// </summary>
    public IReadOnlyList<double> Thresholds { get; }

    /// <summary>False accept rate (false positive rate) of each point, non-decreasing from 0 to 1.</summary>
    public IReadOnlyList<double> FalseAcceptRates { get; }

    /// <summary>True positive rate of each point, non-decreasing from 0 to 1.</summary>
    public IReadOnlyList<double> TruePositiveRates { get; }

    /// <summary>False reject rate (1 - TPR) of each point, non-increasing from 1 to 0.</summary>
    public IReadOnlyList<double> FalseRejectRates { get; }

    /// <summary>Area under the curve by the trapezoidal rule (equals scikit-learn's <c>roc_auc_score</c>; ties count half).</summary>
    public double Auc { get; }

    /// <summary>Number of points.</summary>
    public int Count => Thresholds.Count;

    private static double Trapezoid(double[] x, double[] y)
    {
        double area = 0;
        for (int i = 1; i < x.Length; i++)
        {
            area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        }

        return area;
    }
}
