namespace Siamese.Net.Evaluation;

/// <summary>Retrieval quality of an embedding, as defined by Musgrave et al., "A Metric Learning Reality Check" (2020).</summary>
/// <param name="PrecisionAt1">Fraction of queries whose nearest reference has the query's label.</param>
/// <param name="MeanAveragePrecisionAtR">
/// MAP@R: for a query with R references of its label, the mean over i = 1..R of P(i) if the i-th nearest reference
/// is relevant (else 0), where P(i) is the precision among the i nearest; averaged over queries.
/// </param>
/// <param name="QueryCount">Queries that were scored.</param>
/// <param name="ExcludedQueryCount">
/// Queries left out because no reference has their label (R = 0, as pytorch-metric-learning's "lone" queries):
/// neither metric is defined for them.
/// </param>
public sealed record RetrievalResult(double PrecisionAt1, double MeanAveragePrecisionAtR, int QueryCount, int ExcludedQueryCount);
