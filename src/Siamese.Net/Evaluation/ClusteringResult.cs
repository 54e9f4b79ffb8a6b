namespace Siamese.Net.Evaluation;

/// <summary>
/// How well a k-means clustering of the embeddings recovers their labels, as pytorch-metric-learning's
/// <c>AccuracyCalculator</c> reports it (k = number of distinct labels).
/// </summary>
/// <param name="NormalizedMutualInformation">NMI of labels and clusters, arithmetic normalisation (see <see cref="ClusteringMetrics.NormalizedMutualInformation"/>).</param>
/// <param name="AdjustedMutualInformation">AMI, corrected for chance (see <see cref="ClusteringMetrics.AdjustedMutualInformation"/>).</param>
/// <param name="Clustering">The k-means clustering that was scored.</param>
public sealed record ClusteringResult(double NormalizedMutualInformation, double AdjustedMutualInformation, KMeansResult Clustering);
