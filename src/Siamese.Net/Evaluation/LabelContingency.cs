namespace Siamese.Net.Evaluation;

/// <summary>
/// The contingency table of two labelings of the same items and the information quantities scikit-learn derives
/// from it (natural logarithms), written out as <c>sklearn.metrics.cluster._supervised</c> (1.2) computes them so
/// that the managed results agree to rounding.
/// </summary>
internal sealed class LabelContingency
{
    // numpy's finfo(float64).eps; scikit-learn zeroes MI terms smaller than it.
    private const double MachineEpsilon = 2.220446049250313e-16;

    private LabelContingency(Dictionary<(int Row, int Column), int> cells, int[] rowSums, int[] columnSums, int total)
    {
        Cells = cells;
        RowSums = rowSums;
        ColumnSums = columnSums;
        Total = total;
    }

    /// <summary>
    /// The non-zero n_ij (items with the i-th label of the first labeling and the j-th of the second), sparse: with
    /// thousands of classes and clusters (SOP has 11,316) the dense table would not fit.
    /// </summary>
    public Dictionary<(int Row, int Column), int> Cells { get; }

    /// <summary>a_i = Σ_j n_ij.</summary>
    public int[] RowSums { get; }

    /// <summary>b_j = Σ_i n_ij.</summary>
    public int[] ColumnSums { get; }

    /// <summary>N, the number of items.</summary>
    public int Total { get; }

    public static LabelContingency Of<TFirst, TSecond>(IReadOnlyList<TFirst> first, IReadOnlyList<TSecond> second, string firstName, string secondName)
    {
        ArgumentNullException.ThrowIfNull(first, firstName);
        ArgumentNullException.ThrowIfNull(second, secondName);
        if (first.Count != second.Count)
        {
            throw new ArgumentException($"{firstName} has {first.Count} labels but {secondName} has {second.Count}; they must label the same items.", secondName);
        }

        if (first.Count == 0)
        {
            throw new ArgumentException("There are no labels; the clustering metrics need at least one item.", firstName);
        }

        int[] rows = Indices(first);
        int[] columns = Indices(second);
        var cells = new Dictionary<(int Row, int Column), int>();
        var rowSums = new int[rows.Max() + 1];
        var columnSums = new int[columns.Max() + 1];
        for (int i = 0; i < rows.Length; i++)
        {
            var key = (rows[i], columns[i]);
            cells[key] = cells.GetValueOrDefault(key) + 1;
            rowSums[rows[i]]++;
            columnSums[columns[i]]++;
        }

        return new LabelContingency(cells, rowSums, columnSums, first.Count);
    }

    /// <summary>True when both labelings put every item in one class, the case scikit-learn scores 1.</summary>
    public bool BothTrivial => RowSums.Length == 1 && ColumnSums.Length == 1;

    /// <summary>MI = Σ n_ij/N log(N n_ij / (a_i b_j)), terms below machine epsilon dropped, clipped at 0.</summary>
    public double MutualInformation()
    {
        if (RowSums.Length == 1 || ColumnSums.Length == 1)
        {
            return 0;
        }

        double logTotal = Math.Log(Total);
        double sum = 0;
        foreach (var ((i, j), n) in Cells)
        {
            double p = (double)n / Total;
            double logOuter = -Math.Log((double)RowSums[i] * ColumnSums[j]) + logTotal + logTotal;
            double term = (p * (Math.Log(n) - logTotal)) + (p * logOuter);
            if (Math.Abs(term) >= MachineEpsilon)
            {
                sum += term;
            }
        }

        return Math.Max(sum, 0);
    }

    /// <summary>Entropy of the first (rows) or second (columns) labeling: -Σ p log p.</summary>
    public double Entropy(bool rows) => EntropyOf(rows ? RowSums : ColumnSums, Total);

    /// <summary>
    /// E[MI] under the hypergeometric model of random labelings with the same class sizes (Vinh, Epps and Bailey,
    /// 2010, eq. 24a): Σ_ij Σ_nij nij/N log(N nij / (a_i b_j)) · a_i! b_j! (N-a_i)! (N-b_j)! /
    /// (N! nij! (a_i-nij)! (b_j-nij)! (N-a_i-b_j+nij)!), nij from max(1, a_i+b_j-N) to min(a_i, b_j).
    /// </summary>
    public double ExpectedMutualInformation()
    {
        if (RowSums.Length == 1 || ColumnSums.Length == 1)
        {
            return 0;
        }

        int n = Total;
        // log k! for k = 0..N, exact sums of logs: the arguments of every log-gamma term are integers.
        var logFactorial = new double[n + 1];
        for (int k = 2; k <= n; k++)
        {
            logFactorial[k] = logFactorial[k - 1] + Math.Log(k);
        }

        double logN = Math.Log(n);
        double emi = 0;
        // The (i, j) term depends only on a_i and b_j: sum it once per pair of distinct sizes, times how often each
        // size occurs. Label sets with thousands of small classes have few distinct sizes.
        foreach (var (a, rowsOfSize) in SizeCounts(RowSums))
        {
            foreach (var (b, columnsOfSize) in SizeCounts(ColumnSums))
            {
                int start = Math.Max(1, a + b - n);
                int end = Math.Min(a, b);
                double fixedPart = logFactorial[a] + logFactorial[b] + logFactorial[n - a] + logFactorial[n - b] - logFactorial[n];
                double pairTerm = 0;
                for (int nij = start; nij <= end; nij++)
                {
                    double term2 = logN + Math.Log(nij) - Math.Log(a) - Math.Log(b);
                    double logProbability = fixedPart - logFactorial[nij] - logFactorial[a - nij] - logFactorial[b - nij] - logFactorial[n - a - b + nij];
                    pairTerm += (double)nij / n * term2 * Math.Exp(logProbability);
                }

                emi += (double)rowsOfSize * columnsOfSize * pairTerm;
            }
        }

        return emi;
    }

    private static SortedDictionary<int, int> SizeCounts(int[] sizes)
    {
        var counts = new SortedDictionary<int, int>();
        foreach (int size in sizes)
        {
            counts[size] = counts.GetValueOrDefault(size) + 1;
        }

        return counts;
    }

    private static double EntropyOf(int[] sizes, int total)
    {
        if (sizes.Length == 1)
        {
            return 0;
        }

        double logTotal = Math.Log(total);
        double h = 0;
        foreach (int s in sizes)
        {
            h -= (double)s / total * (Math.Log(s) - logTotal);
        }

        return h;
    }

    private static int[] Indices<T>(IReadOnlyList<T> labels)
    {
        // Wrapped, so that a null label is a key (a class of its own) like any other.
        var map = new Dictionary<Key<T>, int>();
        var indices = new int[labels.Count];
        for (int i = 0; i < labels.Count; i++)
        {
            var key = new Key<T>(labels[i]);
            if (!map.TryGetValue(key, out int index))
            {
                index = map.Count;
                map[key] = index;
            }

            indices[i] = index;
        }

        return indices;
    }

    private readonly record struct Key<T>(T Value);
}
