using Siamese.Net.Evaluation;
using Siamese.Net.Samples.Common.Baselines;
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
    /// <param name="pairs">The scored test pairs.</param>
    /// <param name="threshold">The calibrated threshold (same when the distance is at most it).</param>
    /// <param name="image">The picture of row i of the pairs (values in [0, 1]).</param>
    /// <param name="caption">The caption of a pair of rows, e.g. their file names.</param>
    /// <param name="distanceLabel">"distance" or the tutorial's "dissimilarity".</param>
    /// <param name="seed">Seed of the example pairs' draw.</param>
    public static void Save(string output, IReadOnlyList<double> trainLoss, IReadOnlyList<double> validationLoss, ScoredPairs pairs, double threshold,
        Func<int, GrayImage> image, Func<int, int, string> caption, string distanceLabel = "distance", int seed = 17)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(caption);
        var scores = pairs.Scores();
        var roc = scores.Roc();
        SamplePlots.SaveLossCurve(Path.Combine(output, "loss.png"), trainLoss, validationLoss, "Training loss per epoch (validation: held-out classes)");
        SamplePlots.SaveRocCurve(Path.Combine(output, "roc.png"), roc.FalseAcceptRates, roc.TruePositiveRates, roc.Auc, scores.Eer().Rate, "ROC on unseen classes (all pairs)");
        SamplePlots.SaveDistanceHistograms(Path.Combine(output, "distances.png"),
            [.. pairs.Distances.Where((_, i) => pairs.IsSame[i])], [.. pairs.Distances.Where((_, i) => !pairs.IsSame[i])], threshold,
            title: $"{char.ToUpperInvariant(distanceLabel[0])}{distanceLabel[1..]} of unseen pairs (line: threshold from validation)");
        var random = new Random(seed);
        var same = Enumerable.Range(0, pairs.Distances.Length).Where(i => pairs.IsSame[i]).OrderBy(_ => random.Next()).Take(5);
        var different = Enumerable.Range(0, pairs.Distances.Length).Where(i => !pairs.IsSame[i]).OrderBy(_ => random.Next()).Take(5);
        var entries = same.Zip(different, (s, d) => new[] { s, d }).SelectMany(x => x).Select(i => new PairGridEntry(
            image(pairs.First[i]), image(pairs.Second[i]), pairs.Distances[i], pairs.Distances[i] <= threshold, pairs.IsSame[i], caption(pairs.First[i], pairs.Second[i]))).ToArray();
        PairGridWriter.Write(Path.Combine(output, PairGridFileName), entries,
            new PairGridOptions { DistanceLabel = distanceLabel, ImageHeight = 100, Columns = 2, Title = "Unseen classes (threshold from validation)" });
    }
}
