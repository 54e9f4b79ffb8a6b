using Siamese.Net.Distances;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Evaluation;

/// <summary>
/// Precision@1, MAP@R, R-precision and MRR of a retrieval by distance (Musgrave et al., 2020; the definitions of
/// pytorch-metric-learning's <c>AccuracyCalculator</c>) and Recall@K (Song et al., 2016), all from one ranking per
/// query (see <see cref="RetrievalResult"/>). References at equal distance are ranked by their index, so the result
/// is deterministic.
/// </summary>
public static class RetrievalMetrics
{
    private const long ChunkElements = 4L << 20;

    /// <summary>The K of Recall@K when none are given: 1, 2, 4 and 8, as the CUB-200 and Cars-196 benchmarks report.</summary>
    public static IReadOnlyList<int> DefaultRecallAtK { get; } = [1, 2, 4, 8];

    /// <summary>Scores the retrieval of references for each query from a matrix of distances (smaller = nearer).</summary>
    /// <typeparam name="TLabel">Class label type (compared with its default equality).</typeparam>
    /// <param name="distances">Distances [Q, R] from each query to each reference; finite.</param>
    /// <param name="queryLabels">Label of each query (Q).</param>
    /// <param name="referenceLabels">Label of each reference (R).</param>
    /// <param name="referencesAreQueries">
    /// True when queries and references are the same set (leave-one-out): Q must equal R and each query's own entry
    /// (the diagonal) is neither retrieved nor counted as relevant.
    /// </param>
    /// <param name="recallAtK">The K of Recall@K, each at least 1; <see cref="DefaultRecallAtK"/> when null.</param>
    /// <exception cref="ArgumentException">Sizes disagree, a distance is not finite, or no query has a relevant reference.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A K of <paramref name="recallAtK"/> is below 1.</exception>
    public static RetrievalResult FromDistances<TLabel>(
        double[,] distances,
        IReadOnlyList<TLabel> queryLabels,
        IReadOnlyList<TLabel> referenceLabels,
        bool referencesAreQueries,
        IReadOnlyList<int>? recallAtK = null)
    {
        ArgumentNullException.ThrowIfNull(distances);
        ArgumentNullException.ThrowIfNull(queryLabels);
        ArgumentNullException.ThrowIfNull(referenceLabels);
        int queries = distances.GetLength(0);
        int references = distances.GetLength(1);
        CheckSizes(queries, references, queryLabels.Count, referenceLabels.Count, referencesAreQueries, nameof(distances));
        var accumulator = new Accumulator<TLabel>(referenceLabels, CheckRecallAtK(recallAtK));
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
    /// <param name="distance">
    /// Distance; Euclidean when null. A similarity (<see cref="IDistance.IsSimilarity"/>) ranks the largest first.
    /// </param>
    /// <param name="recallAtK">The K of Recall@K, each at least 1; <see cref="DefaultRecallAtK"/> when null.</param>
    /// <exception cref="ArgumentException">Sizes disagree, a distance is not finite, or no embedding shares its label with another.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A K of <paramref name="recallAtK"/> is below 1.</exception>
    public static RetrievalResult FromEmbeddings<TLabel>(
        Tensor embeddings, IReadOnlyList<TLabel> labels, IDistance? distance = null, IReadOnlyList<int>? recallAtK = null) =>
        FromEmbeddings(embeddings, labels, embeddings, labels, distance, referencesAreQueries: true, recallAtK);

    /// <summary>Retrieval of reference embeddings for query embeddings; distances are computed in chunks of queries.</summary>
    /// <typeparam name="TLabel">Class label type.</typeparam>
    /// <param name="queries">Query embeddings [Q, D].</param>
    /// <param name="queryLabels">Label of each query.</param>
    /// <param name="references">Reference embeddings [R, D].</param>
    /// <param name="referenceLabels">Label of each reference.</param>
    /// <param name="distance">
    /// Distance; Euclidean when null. A similarity (<see cref="IDistance.IsSimilarity"/>) ranks the largest first.
    /// </param>
    /// <param name="recallAtK">The K of Recall@K, each at least 1; <see cref="DefaultRecallAtK"/> when null.</param>
    /// <exception cref="ArgumentException">Sizes disagree, a distance is not finite, or no query has a relevant reference.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A K of <paramref name="recallAtK"/> is below 1.</exception>
    public static RetrievalResult FromEmbeddings<TLabel>(
        Tensor queries,
        IReadOnlyList<TLabel> queryLabels,
        Tensor references,
        IReadOnlyList<TLabel> referenceLabels,
        IDistance? distance = null,
        IReadOnlyList<int>? recallAtK = null) =>
        FromEmbeddings(queries, queryLabels, references, referenceLabels, distance, referencesAreQueries: false, recallAtK);

    private static RetrievalResult FromEmbeddings<TLabel>(
        Tensor queries,
        IReadOnlyList<TLabel> queryLabels,
        Tensor references,
        IReadOnlyList<TLabel> referenceLabels,
        IDistance? distance,
        bool referencesAreQueries,
        IReadOnlyList<int>? recallAtK)
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
        var accumulator = new Accumulator<TLabel>(referenceLabels, CheckRecallAtK(recallAtK));
        // The accumulator ranks ascending; a similarity is turned into a distance by its sign, which keeps ties.
        bool similarity = distance.IsSimilarity;
        int chunk = (int)Math.Clamp(ChunkElements / Math.Max(1, r), 1, Math.Max(1, q));
        using var noGrad = no_grad();
        var refs = references.detach();
        for (int start = 0; start < q; start += chunk)
        {
            int n = Math.Min(chunk, q - start);
            double[] block;
            using (var scope = NewDisposeScope())
            {
                var matrix = distance.Matrix(queries.detach().narrow(0, start, n), refs).to(float64);
                block = (similarity ? matrix.neg() : matrix).cpu().data<double>().ToArray();
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

    private static int[] CheckRecallAtK(IReadOnlyList<int>? recallAtK)
    {
        recallAtK ??= DefaultRecallAtK;
        foreach (int k in recallAtK)
        {
            if (k < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(recallAtK), k, "Every K of Recall@K must be at least 1.");
            }
        }

        return recallAtK.Distinct().Order().ToArray();
    }

    private sealed class Accumulator<TLabel>(IReadOnlyList<TLabel> referenceLabels, int[] recallAtK)
    {
        private readonly EqualityComparer<TLabel> _comparer = EqualityComparer<TLabel>.Default;
        private readonly int[] _order = new int[referenceLabels.Count];
        private readonly double[] _keys = new double[referenceLabels.Count];
        private readonly int[] _recallHits = new int[recallAtK.Length];
        private double _sumPrecisionAt1;
        private double _sumAveragePrecision;
        private double _sumRPrecision;
        private double _sumReciprocalRank;
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

            // The first relevant rank (from 1) decides both MRR and every Recall@K; there is one since R > 0.
            int firstRank = 1;
            while (!_comparer.Equals(referenceLabels[_order[firstRank - 1]], label))
            {
                firstRank++;
            }

            for (int i = 0; i < recallAtK.Length; i++)
            {
                if (firstRank <= recallAtK[i])
                {
                    _recallHits[i]++;
                }
            }

            _sumPrecisionAt1 += firstRank == 1 ? 1 : 0;
            _sumAveragePrecision += precisionSum / relevantCount;
            _sumRPrecision += (double)hits / relevantCount;
            _sumReciprocalRank += 1.0 / firstRank;
            _scored++;
        }

        public RetrievalResult Result()
        {
            if (_scored == 0)
            {
                throw new ArgumentException(
                    "No query has a reference of its own label, so the retrieval metrics are undefined.", nameof(referenceLabels));
            }

            var recall = new SortedDictionary<int, double>();
            for (int i = 0; i < recallAtK.Length; i++)
            {
                recall[recallAtK[i]] = (double)_recallHits[i] / _scored;
            }

            return new RetrievalResult(
                _sumPrecisionAt1 / _scored,
                _sumAveragePrecision / _scored,
                _sumRPrecision / _scored,
                _sumReciprocalRank / _scored,
                new System.Collections.ObjectModel.ReadOnlyDictionary<int, double>(recall),
                _scored,
                _excluded);
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
