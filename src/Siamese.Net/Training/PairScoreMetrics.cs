namespace Siamese.Net.Training;

/// <summary>
/// Verification metrics of scored pairs (higher score = more likely the same), computed exactly from all scores.
/// </summary>
/// <remarks>
/// Internal to training validation; the public evaluation API lives in <c>Siamese.Net.Evaluation</c>.
/// </remarks>
internal static class PairScoreMetrics
{
    /// <summary>ROC AUC, EER, and the best accuracy with its threshold.</summary>
    /// <param name="scores">One score per pair.</param>
    /// <param name="isSame">Whether each pair is a same pair.</param>
    /// <exception cref="ArgumentException">Lengths differ, or one of the two classes is absent.</exception>
    public static (double RocAuc, double Eer, double Accuracy, double Threshold) Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> isSame)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(isSame);
        if (scores.Count != isSame.Count)
        {
            throw new ArgumentException($"{scores.Count} scores but {isSame.Count} labels.", nameof(isSame));
        }

        int n = scores.Count;
        int positives = isSame.Count(s => s);
        int negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException(
                $"Verification metrics need both same and different pairs; got {positives} same and {negatives} different.", nameof(isSame));
        }

        foreach (var s in scores)
        {
            if (!double.IsFinite(s))
            {
                throw new ArgumentException("A validation score is NaN or infinite.", nameof(scores));
            }
        }

        // Descending scores: each distinct score is a threshold "same if score >= t".
        var order = Enumerable.Range(0, n).OrderByDescending(i => scores[i]).ToArray();

        // Operating points (fpr, tpr), starting at "nothing accepted".
        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        var thresholds = new List<double> { double.PositiveInfinity };
        int tp = 0, fp = 0;
        for (int k = 0; k < n;)
        {
            double t = scores[order[k]];
            while (k < n && scores[order[k]] == t)
            {
                if (isSame[order[k]]) { tp++; } else { fp++; }
                k++;
            }

            fpr.Add((double)fp / negatives);
            tpr.Add((double)tp / positives);
            thresholds.Add(t);
        }

        // Trapezoids: ties between a same and a different pair count one half, as Mann-Whitney.
        double auc = 0;
        for (int i = 1; i < fpr.Count; i++)
        {
            auc += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
        }

        // EER: where the false-reject rate (1 - tpr) meets the false-accept rate, interpolated linearly on the ROC.
        double eer = 1;
        for (int i = 1; i < fpr.Count; i++)
        {
            double dPrev = (1 - tpr[i - 1]) - fpr[i - 1];
            double dCur = (1 - tpr[i]) - fpr[i];
            if (dCur <= 0)
            {
                double f = dPrev == dCur ? 0 : dPrev / (dPrev - dCur);
                eer = fpr[i - 1] + f * (fpr[i] - fpr[i - 1]);
                break;
            }
        }

        double bestAccuracy = -1, bestThreshold = double.PositiveInfinity;
        for (int i = 0; i < fpr.Count; i++)
        {
            double correct = tpr[i] * positives + (1 - fpr[i]) * negatives;
            double accuracy = correct / n;
            if (accuracy > bestAccuracy)
            {
                bestAccuracy = accuracy;
                bestThreshold = thresholds[i];
            }
        }

        return (auc, eer, bestAccuracy, bestThreshold);
    }
}
