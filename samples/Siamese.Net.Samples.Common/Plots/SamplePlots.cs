using System.Globalization;
using ScottPlot;

namespace Siamese.Net.Samples.Common.Plots;

/// <summary>
/// The three pictures every sample writes, from plain arrays so they do not depend on library types: the loss curve,
/// the ROC curve with its EER point, and the same/different distance histograms with the decision threshold.
/// </summary>
public static class SamplePlots
{
    /// <summary>Default picture width in pixels.</summary>
    public const int DefaultWidth = 800;

    /// <summary>Default picture height in pixels.</summary>
    public const int DefaultHeight = 500;

    /// <summary>Training (and validation) loss per epoch, epochs numbered from 1.</summary>
    /// <returns>The full path written.</returns>
    public static string SaveLossCurve(string path, IReadOnlyList<double> trainLoss, IReadOnlyList<double>? validationLoss = null, string title = "Loss per epoch", int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(trainLoss);
        RequireValues(trainLoss, nameof(trainLoss));
        var plot = new Plot();
        var train = plot.Add.Scatter(Epochs(trainLoss.Count), trainLoss.ToArray(), Colors.C0);
        train.LegendText = "train";
        if (validationLoss is { Count: > 0 })
        {
            RequireValues(validationLoss, nameof(validationLoss));
            var validation = plot.Add.Scatter(Epochs(validationLoss.Count), validationLoss.ToArray(), Colors.C1);
            validation.LegendText = "validation";
        }

        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel("loss");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(Alignment.UpperRight);
        return Save(plot, path, width, height);
    }

    /// <summary>
    /// ROC curve: true accept rate against false accept rate, the chance diagonal, and the equal-error point
    /// (FAR = FRR = <paramref name="eer"/>) marked; AUC and EER in the title.
    /// </summary>
    /// <param name="path">PNG file to write.</param>
    /// <param name="falseAcceptRates">FAR at each threshold, ascending thresholds' order as computed.</param>
    /// <param name="trueAcceptRates">TAR at the same thresholds.</param>
    /// <param name="auc">Area under the curve, a fraction.</param>
    /// <param name="eer">Equal error rate, a fraction.</param>
    /// <param name="title">Title prefix.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <returns>The full path written.</returns>
    public static string SaveRocCurve(string path, IReadOnlyList<double> falseAcceptRates, IReadOnlyList<double> trueAcceptRates, double auc, double eer, string title = "ROC", int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(falseAcceptRates);
        ArgumentNullException.ThrowIfNull(trueAcceptRates);
        RequireValues(falseAcceptRates, nameof(falseAcceptRates));
        if (falseAcceptRates.Count != trueAcceptRates.Count)
        {
            throw new ArgumentException($"FAR has {falseAcceptRates.Count} points but TAR has {trueAcceptRates.Count}.", nameof(trueAcceptRates));
        }

        RequireFractions(falseAcceptRates, nameof(falseAcceptRates));
        RequireFractions(trueAcceptRates, nameof(trueAcceptRates));
        RequireFraction(auc, nameof(auc));
        RequireFraction(eer, nameof(eer));

        var plot = new Plot();
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.Color = Colors.Gray;
        chance.LinePattern = LinePattern.Dashed;
        chance.LegendText = "chance";
        // Points where FRR = FAR lie on this anti-diagonal; the ROC crosses it at the EER.
        var equalError = plot.Add.Line(0, 1, 1, 0);
        equalError.Color = Colors.LightGray;
        equalError.LinePattern = LinePattern.Dotted;
        var roc = plot.Add.ScatterLine(falseAcceptRates.ToArray(), trueAcceptRates.ToArray(), Colors.C0);
        roc.LineWidth = 2;
        roc.LegendText = "ROC";
        var eerPoint = plot.Add.Marker(eer, 1 - eer, MarkerShape.FilledCircle, 10, Colors.C3);
        eerPoint.LegendText = string.Create(CultureInfo.InvariantCulture, $"EER {eer:P2}");
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"{title}: AUC = {auc:F4}, EER = {eer:P2}"));
        plot.XLabel("false accept rate (different pairs accepted)");
        plot.YLabel("true accept rate (same pairs accepted)");
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.ShowLegend(Alignment.LowerRight);
        return Save(plot, path, width, height);
    }

    /// <summary>
    /// Histograms of the distances of same pairs and different pairs, each normalised to its own count so that
    /// class imbalance does not hide either, with the decision threshold as a vertical line.
    /// </summary>
    /// <returns>The full path written.</returns>
    public static string SaveDistanceHistograms(string path, IReadOnlyList<double> sameDistances, IReadOnlyList<double> differentDistances, double? threshold = null, int bins = 40, string title = "Pair distances", int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(sameDistances);
        ArgumentNullException.ThrowIfNull(differentDistances);
        RequireValues(sameDistances, nameof(sameDistances));
        RequireValues(differentDistances, nameof(differentDistances));
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        if (threshold is double t && !double.IsFinite(t))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), t, "The threshold must be finite.");
        }

        double min = Math.Min(sameDistances.Min(), differentDistances.Min());
        double max = Math.Max(sameDistances.Max(), differentDistances.Max());
        if (threshold is double th)
        {
            min = Math.Min(min, th);
            max = Math.Max(max, th);
        }

        if (max - min < 1e-12)
        {
            max = min + 1;
        }

        double binWidth = (max - min) / bins;
        var plot = new Plot();
        AddHistogram(plot, sameDistances, min, binWidth, bins, Colors.Green.WithAlpha(0.5), "same pairs");
        AddHistogram(plot, differentDistances, min, binWidth, bins, Colors.Red.WithAlpha(0.5), "different pairs");
        if (threshold is double line)
        {
            var vertical = plot.Add.VerticalLine(line, 2, Colors.Black, LinePattern.Dashed);
            vertical.LegendText = string.Create(CultureInfo.InvariantCulture, $"threshold {line:G4}");
        }

        plot.Title(title);
        plot.XLabel("distance");
        plot.YLabel("fraction of pairs");
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Alignment.UpperRight);
        return Save(plot, path, width, height);
    }

    private static void AddHistogram(Plot plot, IReadOnlyList<double> values, double min, double binWidth, int bins, Color color, string label)
    {
        var counts = new double[bins];
        foreach (double v in values)
        {
            counts[Math.Clamp((int)((v - min) / binWidth), 0, bins - 1)]++;
        }

        var bars = new List<Bar>(bins);
        for (int i = 0; i < bins; i++)
        {
            bars.Add(new Bar
            {
                Position = min + ((i + 0.5) * binWidth),
                Value = counts[i] / values.Count,
                Size = binWidth,
                FillColor = color,
                LineWidth = 0,
            });
        }

        var plottable = plot.Add.Bars(bars);
        plottable.LegendText = label;
    }

    private static double[] Epochs(int count) => [.. Enumerable.Range(1, count).Select(i => (double)i)];

    private static string Save(Plot plot, string path, int width, int height)
    {
        UseSansFont(plot);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 100);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        plot.SavePng(full, width, height);
        return full;
    }

    private static void UseSansFont(Plot plot)
    {
        // ScottPlot falls back to Skia's default face, a serif one on many Linux systems; prefer a sans face.
        foreach (string family in (ReadOnlySpan<string>)["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans"])
        {
            using var typeface = SkiaSharp.SKFontManager.Default.MatchFamily(family);
            if (typeface is not null)
            {
                plot.Font.Set(family);
                return;
            }
        }
    }

    private static void RequireValues(IReadOnlyList<double> values, string name)
    {
        if (values.Count == 0)
        {
            throw new ArgumentException($"{name} is empty.", name);
        }

        if (values.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException($"{name} holds a NaN or infinite value.", name);
        }
    }

    private static void RequireFractions(IReadOnlyList<double> values, string name)
    {
        if (values.Any(v => v is < 0 or > 1))
        {
            throw new ArgumentOutOfRangeException(name, "Rates must be fractions in [0, 1].");
        }
    }

    private static void RequireFraction(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0 || value > 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a fraction in [0, 1].");
        }
    }
}
