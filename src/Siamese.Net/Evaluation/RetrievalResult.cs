namespace Siamese.Net.Evaluation;

/// <summary>
/// Retrieval quality of an embedding: the metrics of Musgrave et al., "A Metric Learning Reality Check" (2020), and
/// of pytorch-metric-learning's <c>AccuracyCalculator</c>, plus the Recall@K of the deep-metric-learning literature.
/// For a query, "relevant" references are those with the query's label, R is their number, and references are
/// ranked by distance (ties by index). Every metric is a mean over the scored queries.
/// </summary>
/// <param name="PrecisionAt1">Fraction of queries whose nearest reference is relevant.</param>
/// <param name="MeanAveragePrecisionAtR">
/// MAP@R: for a query with R references of its label, the mean over i = 1..R of P(i) if the i-th nearest reference
/// is relevant (else 0), where P(i) is the precision among the i nearest; averaged over queries.
/// </param>
/// <param name="RPrecision">R-precision: the fraction of relevant references among the R nearest.</param>
/// <param name="MeanReciprocalRank">MRR: 1 / (rank of the first relevant reference), ranks counted from 1.</param>
/// <param name="RecallAtK">
/// Recall@K for each requested K, as Song et al., "Deep Metric Learning via Lifted Structured Feature Embedding"
/// (2016) and the CUB/Cars/SOP benchmarks define it: the fraction of queries with at least one relevant reference
/// among their K nearest (so Recall@1 equals Precision@1). It is not the information-retrieval recall (relevant found
/// / R). A K larger than the number of references counts all of them. Keys ascend.
/// </param>
/// <param name="QueryCount">Queries that were scored.</param>
/// <param name="ExcludedQueryCount">
/// Queries left out because no reference has their label (R = 0, as pytorch-metric-learning's "lone" queries):
/// no metric is defined for them.
/// </param>
public sealed record RetrievalResult(
    double PrecisionAt1,
    double MeanAveragePrecisionAtR,
    double RPrecision,
    double MeanReciprocalRank,
    IReadOnlyDictionary<int, double> RecallAtK,
    int QueryCount,
    int ExcludedQueryCount)
{
    /// <summary>Value equality, Recall@K compared entry by entry (a record compares a dictionary by reference).</summary>
    /// <param name="other">The result to compare with.</param>
    public bool Equals(RetrievalResult? other) =>
        other is not null
        && PrecisionAt1.Equals(other.PrecisionAt1)
        && MeanAveragePrecisionAtR.Equals(other.MeanAveragePrecisionAtR)
        && RPrecision.Equals(other.RPrecision)
        && MeanReciprocalRank.Equals(other.MeanReciprocalRank)
        && QueryCount == other.QueryCount
        && ExcludedQueryCount == other.ExcludedQueryCount
        && RecallAtK.Count == other.RecallAtK.Count
        && RecallAtK.All(e => other.RecallAtK.TryGetValue(e.Key, out double v) && v.Equals(e.Value));

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(PrecisionAt1, MeanAveragePrecisionAtR, RPrecision, MeanReciprocalRank, RecallAtK.Count, QueryCount, ExcludedQueryCount);
}
