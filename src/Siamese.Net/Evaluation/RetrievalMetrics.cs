namespace Siamese.Net.Evaluation;

/// <summary>
/// Precision@1 and MAP@R of a retrieval by distance (Musgrave et al., 2020; the definitions of
/// pytorch-metric-learning's <c>AccuracyCalculator</c>). References at equal distance are ranked by their index,
/// so the result is deterministic.
/// </summary>
public static class RetrievalMetrics
{
    /// <summary>Scores the retrieval of references for each query from a matrix of distances (smaller = nearer).</summary>
    /// <typeparam name="TLabel">Class label type (compared with its default equality).</typeparam>
    /// <param name="distances">Distances [Q, R] from each query to each reference; finite.</param>
    /// <param name="queryLabels">Label of each query (Q).</param>
    /// <param name="referenceLabels">Label of each reference (R).</param>
    /// <param name="referencesAreQueries">
    /// True when queries and references are the same set (leave-one-out): Q must equal R and each query's own entry
    /// (the diagonal) is neither retrieved nor counted as relevant.
    /// </param>
    /// <exception cref="ArgumentException">Sizes disagree, a distance is not finite, or no query has a relevant reference.</exception>
    public static RetrievalResult FromDistances<TLabel>(
        double[,] distances,
        IReadOnlyList<TLabel> queryLabels,
        IReadOnlyList<TLabel> referenceLabels,
        bool referencesAreQueries)
    {
        ArgumentNullException.ThrowIfNull(distances);
        ArgumentNullException.ThrowIfNull(queryLabels);
        ArgumentNullException.ThrowIfNull(referenceLabels);
        int queries = distances.GetLength(0);
        int references = distances.GetLength(1);
        if (queryLabels.Count != queries || referenceLabels.Count != references)
        {
            throw new ArgumentException(
                $"distances is [{queries}, {references}] but there are {queryLabels.Count} query labels and {referenceLabels.Count} reference labels.",
                nameof(distances));
        }

        if (referencesAreQueries && queries != references)
        {
            throw new ArgumentException(
                $"referencesAreQueries is true but distances is [{queries}, {references}], not square.", nameof(referencesAreQueries));
        }

        var comparer = EqualityComparer<TLabel>.Default;
        double sumPrecisionAt1 = 0, sumAveragePrecision = 0;
        int scored = 0, excluded = 0;
        var order = new int[references];
        var row = new double[references];
        for (int q = 0; q < queries; q++)
        {
            int candidates = 0;
            int relevantCount = 0;
            for (int r = 0; r < references; r++)
            {
                double d = distances[q, r];
                if (!double.IsFinite(d))
                {
                    throw new ArgumentException($"distances[{q}, {r}] is {d}; distances must be finite.", nameof(distances));
                }

                if (referencesAreQueries && r == q)
                {
                    continue;
                }

                order[candidates] = r;
                row[candidates] = d;
                candidates++;
                if (comparer.Equals(referenceLabels[r], queryLabels[q]))
                {
                    relevantCount++;
                }
            }

            if (relevantCount == 0)
            {
                excluded++;
                continue;
            }

            // Stable order: by distance, then by reference index (order is filled in index order).
            Array.Sort(row, order, 0, candidates, Comparer<double>.Default);
            SortTiesByIndex(row, order, candidates);

            int hits = 0;
            double precisionSum = 0;
            for (int i = 0; i < relevantCount; i++)
            {
                if (comparer.Equals(referenceLabels[order[i]], queryLabels[q]))
                {
                    hits++;
                    precisionSum += (double)hits / (i + 1);
                }
            }

            sumPrecisionAt1 += comparer.Equals(referenceLabels[order[0]], queryLabels[q]) ? 1 : 0;
            sumAveragePrecision += precisionSum / relevantCount;
            scored++;
        }

        if (scored == 0)
        {
            throw new ArgumentException(
                "No query has a reference of its own label, so Precision@1 and MAP@R are undefined.", nameof(referenceLabels));
        }

        return new RetrievalResult(sumPrecisionAt1 / scored, sumAveragePrecision / scored, scored, excluded);
    }

    // Array.Sort is not stable; restore index order within runs of equal distance.
    private static void SortTiesByIndex(double[] keys, int[] order, int count)
    {
        int start = 0;
        while (start < count)
        {
            int end = start + 1;
            while (end < count && keys[end] == keys[start])
            {
                end++;
            }

            if (end - start > 1)
            {
                Array.Sort(order, start, end - start);
            }

            start = end;
        }
    }
}
