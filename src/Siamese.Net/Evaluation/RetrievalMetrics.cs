using Siamese.Net.Distances;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Evaluation;

/// <summary>
/// Precision@1 and MAP@R of a retrieval by distance (Musgrave et al., 2020; the definitions of
/// pytorch-metric-learning's <c>AccuracyCalculator</c>). References at equal distance are ranked by their index,
/// so the result is deterministic.
/// </summary>
public static class RetrievalMetrics
{
    private const long ChunkElements = 4L << 20;

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
        CheckSizes(queries, references, queryLabels.Count, referenceLabels.Count, referencesAreQueries, nameof(distances));
        var accumulator = new Accumulator<TLabel>(referenceLabels);
        var row = new double[references];
        for (int q = 0; q < queries; q++)
        {
            for (int r = 0; r < references; r++)
            {
                row[r] = distances[q, r];
            }

            accumulator.AddQuery(row, queryLabels[q], referencesAreQueries ? q : -1, q);
        }

        return accumulator.Result();
    }

    /// <summary>
    /// Leave-one-out retrieval within one set of embeddings (each embedding queries all the others), the evaluation
    /// protocol of Musgrave et al.; distances are computed in chunks of queries.
    /// </summary>
    /// <typeparam name="TLabel">Class label type.</typeparam>
    /// <param name="embeddings">Embeddings [N, D].</param>
    /// <param name="labels">Label of each embedding (N).</param>
    /// <param name="distance">Distance; Euclidean when null.</param>
    /// <exception cref="ArgumentException">Sizes disagree, a distance is not finite, or no embedding shares its label with another.</exception>
    public static RetrievalResult FromEmbeddings<TLabel>(Tensor embeddings, IReadOnlyList<TLabel> labels, IDistance? distance = null) =>
        FromEmbeddings(embeddings, labels, embeddings, labels, distance, referencesAreQueries: true);

    /// <summary>Retrieval of reference embeddings for query embeddings; distances are computed in chunks of queries.</summary>
    /// <typeparam name="TLabel">Class label type.</typeparam>
    /// <param name="queries">Query embeddings [Q, D].</param>
    /// <param name="queryLabels">Label of each query.</param>
    /// <param name="references">Reference embeddings [R, D].</param>
    /// <param name="referenceLabels">Label of each reference.</param>
    /// <param name="distance">Distance; Euclidean when null.</param>
    /// <exception cref="ArgumentException">Sizes disagree, a distance is not finite, or no query has a relevant reference.</exception>
    public static RetrievalResult FromEmbeddings<TLabel>(
        Tensor queries, IReadOnlyList<TLabel> queryLabels, Tensor references, IReadOnlyList<TLabel> referenceLabels, IDistance? distance = null) =>
        FromEmbeddings(queries, queryLabels, references, referenceLabels, distance, referencesAreQueries: false);

    private static RetrievalResult FromEmbeddings<TLabel>(
        Tensor queries, IReadOnlyList<TLabel> queryLabels, Tensor references, IReadOnlyList<TLabel> referenceLabels, IDistance? distance, bool referencesAreQueries)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(queryLabels);
        ArgumentNullException.ThrowIfNull(references);
        ArgumentNullException.ThrowIfNull(referenceLabels);
        if (queries.dim() != 2 || references.dim() != 2 || queries.shape[1] != references.shape[1])
        {
            throw new ArgumentException(
                $"Expected embeddings [Q, D] and [R, D] with the same D, got {DistanceShapes.Format(queries)} and {DistanceShapes.Format(references)}.",
                nameof(queries));
        }

        distance ??= new EuclideanDistance();
        int q = checked((int)queries.shape[0]);
        int r = checked((int)references.shape[0]);
        CheckSizes(q, r, queryLabels.Count, referenceLabels.Count, referencesAreQueries, nameof(queries));
        var accumulator = new Accumulator<TLabel>(referenceLabels);
        int chunk = (int)Math.Clamp(ChunkElements / Math.Max(1, r), 1, Math.Max(1, q));
        using var noGrad = no_grad();
        var refs = references.detach();
        for (int start = 0; start < q; start += chunk)
        {
            int n = Math.Min(chunk, q - start);
            double[] block;
            using (var scope = NewDisposeScope())
            {
                block = distance.Matrix(queries.detach().narrow(0, start, n), refs).to(float64).cpu().data<double>().ToArray();
            }

            for (int i = 0; i < n; i++)
            {
                int index = start + i;
                accumulator.AddQuery(block.AsSpan(i * r, r), queryLabels[index], referencesAreQueries ? index : -1, index);
            }
        }

        return accumulator.Result();
    }

    private static void CheckSizes(int queries, int references, int queryLabels, int referenceLabels, bool referencesAreQueries, string name)
    {
        if (queryLabels != queries || referenceLabels != references)
        {
            throw new ArgumentException(
                $"distances is [{queries}, {references}] but there are {queryLabels} query labels and {referenceLabels} reference labels.", name);
        }

        if (referencesAreQueries && queries != references)
        {
            throw new ArgumentException($"referencesAreQueries is true but distances is [{queries}, {references}], not square.", nameof(referencesAreQueries));
        }
    }

    private sealed class Accumulator<TLabel>(IReadOnlyList<TLabel> referenceLabels)
    {
        private readonly EqualityComparer<TLabel> _comparer = EqualityComparer<TLabel>.Default;
        private readonly int[] _order = new int[referenceLabels.Count];
        private readonly double[] _keys = new double[referenceLabels.Count];
        private double _sumPrecisionAt1;
        private double _sumAveragePrecision;
        private int _scored;
        private int _excluded;

        public void AddQuery(ReadOnlySpan<double> row, TLabel label, int self, int queryIndex)
        {
            int candidates = 0;
            int relevantCount = 0;
            for (int r = 0; r < row.Length; r++)
            {
                double d = row[r];
                if (!double.IsFinite(d))
                {
                    throw new ArgumentException($"distances[{queryIndex}, {r}] is {d}; distances must be finite.");
                }

                if (r == self)
                {
                    continue;
                }

                _order[candidates] = r;
                _keys[candidates] = d;
                candidates++;
                if (_comparer.Equals(referenceLabels[r], label))
                {
                    relevantCount++;
                }
            }

            if (relevantCount == 0)
            {
                _excluded++;
                return;
            }

            Array.Sort(_keys, _order, 0, candidates, Comparer<double>.Default);
            SortTiesByIndex(candidates);

            int hits = 0;
            double precisionSum = 0;
            for (int i = 0; i < relevantCount; i++)
            {
                if (_comparer.Equals(referenceLabels[_order[i]], label))
                {
                    hits++;
                    precisionSum += (double)hits / (i + 1);
                }
            }

            _sumPrecisionAt1 += _comparer.Equals(referenceLabels[_order[0]], label) ? 1 : 0;
            _sumAveragePrecision += precisionSum / relevantCount;
            _scored++;
        }

        public RetrievalResult Result()
        {
            if (_scored == 0)
            {
                throw new ArgumentException(
                    "No query has a reference of its own label, so Precision@1 and MAP@R are undefined.", nameof(referenceLabels));
            }

            return new RetrievalResult(_sumPrecisionAt1 / _scored, _sumAveragePrecision / _scored, _scored, _excluded);
        }

        // Array.Sort is not stable; restore index order within runs of equal distance.
        private void SortTiesByIndex(int count)
        {
            int start = 0;
            while (start < count)
            {
                int end = start + 1;
                while (end < count && _keys[end] == _keys[start])
                {
                    end++;
                }

                if (end - start > 1)
                {
                    Array.Sort(_order, start, end - start);
                }

                start = end;
            }
        }
    }
}
