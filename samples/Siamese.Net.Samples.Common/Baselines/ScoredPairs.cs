using Siamese.Net.Evaluation;

namespace Siamese.Net.Samples.Common.Baselines;

/// <summary>Every unordered pair of a set of embeddings, with its distance and whether both rows share a class.</summary>
/// <param name="First">Row of the first item of each pair.</param>
/// <param name="Second">Row of the second item (always greater than <paramref name="First"/>).</param>
/// <param name="Distances">Distance of each pair (smaller = more alike; a similarity s is given as 1 - s).</param>
/// <param name="IsSame">True for pairs of the same class.</param>
public sealed record ScoredPairs(int[] First, int[] Second, double[] Distances, bool[] IsSame)
{
    /// <summary>The pairs as verification scores, for ROC, AUC, EER and thresholds.</summary>
    public VerificationScores Scores() => VerificationScores.FromDistances(Distances, IsSame);
}
