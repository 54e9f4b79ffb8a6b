using Siamese.Net.Evaluation;
using Siamese.Net.Samples.Common.Imaging;

namespace Siamese.Net.Samples.Common.Plots;

/// <summary>
/// The four pictures of a verification sample, written into one folder: <c>loss.png</c> (per epoch), <c>roc.png</c>
/// (with the EER point), <c>distances.png</c> (same/different histograms with the threshold) and <c>pairs.png</c>
/// (example pairs, half same and half different, with their distance and verdict at the threshold).
/// </summary>
public static class VerificationFigures
{
    /// <summary>File name of the pair grid.</summary>
    public const string PairGridFileName = "pairs.png";

    /// <summary>Writes the four figures into <paramref name="output"/>.</summary>
    /// <param name="output">The folder.</param>
    /// <param name="trainLoss">Training loss per epoch.</param>
    /// <param name="validationLoss">Validation loss per epoch (NaN where none).</param>
    /// <param name="scores">The scored test pairs.</param>
    /// <param name="threshold">The calibrated threshold (same when the distance is at most it).</param>
    /// <param name="example">The two pictures (values in [0, 1]) and a caption of test pair i, e.g. its file names.</param>
    /// <param name="distanceLabel">"distance" or the tutorial's "dissimilarity".</param>
    /// <param name="subject">What the test pairs are, for the titles: "unseen classes", "test writers".</param>
    /// <param name="seed">Seed of the example pairs' draw.</param>
    public static void Save(string output, IReadOnlyList<double> trainLoss, IReadOnlyList<double> validationLoss, VerificationScores scores, double threshold,
        Func<int, (GrayImage First, GrayImage Second, string Caption)> example, string distanceLabel = "distance", string subject = "unseen classes", int seed = 17)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(example);
        var roc = scores.Roc();
        var distances = scores.Scores;
        SamplePlots.SaveLossCurve(Path.Combine(output, "loss.png"), trainLoss, validationLoss, $"Training loss per epoch (validation: held-out {subject})");
        SamplePlots.SaveRocCurve(Path.Combine(output, "roc.png"), roc.FalseAcceptRates, roc.TruePositiveRates, roc.Auc, scores.Eer().Rate, $"ROC on {subject} (all test pairs)");
        SamplePlots.SaveDistanceHistograms(Path.Combine(output, "distances.png"),
            [.. distances.Where((_, i) => scores.IsSame[i])], [.. distances.Where((_, i) => !scores.IsSame[i])], threshold,
            title: $"{char.ToUpperInvariant(distanceLabel[0])}{distanceLabel[1..]} of test pairs, {subject} (line: threshold from validation)");
        var random = new Random(seed);
        var same = Enumerable.Range(0, distances.Count).Where(i => scores.IsSame[i]).OrderBy(_ => random.Next()).Take(5);
        var different = Enumerable.Range(0, distances.Count).Where(i => !scores.IsSame[i]).OrderBy(_ => random.Next()).Take(5);
        var entries = same.Zip(different, (s, d) => new[] { s, d }).SelectMany(x => x).Select(i =>
        {
            var (first, second, caption) = example(i);
            return new PairGridEntry(first, second, distances[i], distances[i] <= threshold, scores.IsSame[i], caption);
        }).ToArray();
        PairGridWriter.Write(Path.Combine(output, PairGridFileName), entries,
            new PairGridOptions { DistanceLabel = distanceLabel, ImageHeight = 100, Columns = 2, Title = $"Test pairs, {subject} (threshold from validation)" });
    }
}
