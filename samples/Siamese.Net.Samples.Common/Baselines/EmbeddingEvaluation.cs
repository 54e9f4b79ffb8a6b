using Siamese.Net.Distances;
using Siamese.Net.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Samples.Common.Baselines;

/// <summary>
/// Verification over all pairs and random N-way 1-shot episodes on precomputed rows (learned embeddings, raw pixels
/// or eigenface coefficients). The episodes depend only on the class ids and the seed, never on the rows, so every
/// method given the same ids and seed is scored on exactly the same supports and queries.
/// </summary>
public static class EmbeddingEvaluation
{
    /// <summary>All n(n-1)/2 unordered pairs of <paramref name="rows"/>, scored by <paramref name="distance"/>.</summary>
    /// <param name="rows">Rows [N, D].</param>
    /// <param name="classIds">Class id of each row.</param>
    /// <param name="distance">The distance (a similarity is turned into 1 - s).</param>
    public static ScoredPairs AllPairs(Tensor rows, IReadOnlyList<int> classIds, IDistance distance)
    {
        var matrix = DistanceMatrix(rows, classIds, distance);
        int n = classIds.Count;
        var first = new List<int>();
        var second = new List<int>();
        var distances = new List<double>();
        var same = new List<bool>();
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                first.Add(i);
                second.Add(j);
                distances.Add(matrix[(i * n) + j]);
                same.Add(classIds[i] == classIds[j]);
            }
        }

        return new ScoredPairs([.. first], [.. second], [.. distances], [.. same]);
    }

    /// <summary>
    /// N-way 1-shot accuracy, N = every class: each episode draws one random support row per class and assigns every
    /// other row to the class of its nearest support; the result is the mean episode accuracy with its 95 % interval.
    /// </summary>
    /// <param name="rows">Rows [N, D].</param>
    /// <param name="classIds">Class id of each row, 0..C-1, every class with at least two rows.</param>
    /// <param name="distance">The distance.</param>
    /// <param name="episodes">Number of episodes, at least 2.</param>
    /// <param name="seed">Seed of the support draws.</param>
    /// <param name="perClass">Receives the share of each class's queries assigned right over all episodes.</param>
    /// <exception cref="ArgumentException">A class with fewer than two rows.</exception>
    public static AccuracyEstimate OneShot(Tensor rows, IReadOnlyList<int> classIds, IDistance distance, int episodes, int seed, out double[] perClass)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 2);
        var matrix = DistanceMatrix(rows, classIds, distance);
        int n = classIds.Count;
        var members = classIds.Select((c, i) => (c, i)).GroupBy(x => x.c).OrderBy(g => g.Key).Select(g => g.Select(x => x.i).ToArray()).ToArray();
        if (members.Any(m => m.Length < 2) || members.Length != classIds.Max() + 1)
        {
            throw new ArgumentException("Every class id 0..C-1 needs at least two rows (one support, one query).", nameof(classIds));
        }

        var random = new Random(seed);
        var accuracies = new double[episodes];
        var right = new int[members.Length];
        var asked = new int[members.Length];
        var supports = new int[members.Length];
        for (int e = 0; e < episodes; e++)
        {
            for (int c = 0; c < members.Length; c++)
            {
                supports[c] = members[c][random.Next(members[c].Length)];
            }

            int correct = 0;
            int queries = 0;
            for (int q = 0; q < n; q++)
            {
                if (supports[classIds[q]] == q)
                {
                    continue;
                }

                int best = 0;
                for (int c = 1; c < supports.Length; c++)
                {
                    if (matrix[(q * n) + supports[c]] < matrix[(q * n) + supports[best]])
                    {
                        best = c;
                    }
                }

                queries++;
                asked[classIds[q]]++;
                if (best == classIds[q])
                {
                    correct++;
                    right[classIds[q]]++;
                }
            }

            accuracies[e] = (double)correct / queries;
        }

        perClass = right.Select((r, c) => (double)r / asked[c]).ToArray();
        return EpisodeEvaluator.Summarize(accuracies);
    }

    private static double[] DistanceMatrix(Tensor rows, IReadOnlyList<int> classIds, IDistance distance)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(classIds);
        ArgumentNullException.ThrowIfNull(distance);
        if (rows.dim() != 2 || rows.shape[0] != classIds.Count)
        {
            throw new ArgumentException($"rows must be [N, D] with one class id per row; got [{string.Join(", ", rows.shape)}] and {classIds.Count} ids.", nameof(rows));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var values = distance.AsDistance(distance.Matrix(rows, rows));
        return values.to(float64).contiguous().data<double>().ToArray();
    }
}
