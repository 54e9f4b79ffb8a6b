namespace Siamese.Net.Evaluation;

/// <summary>The best of the k-means restarts.</summary>
/// <param name="Assignments">Cluster index (0..k-1) of each point, that of its nearest centroid (the first on a tie).</param>
/// <param name="Centroids">Centroids [k, D], the mean of the points assigned to each (float64).</param>
/// <param name="Inertia">Sum over points of the squared Euclidean distance to their centroid.</param>
/// <param name="Iterations">Lloyd iterations the winning restart ran.</param>
/// <param name="Restart">Index (from 0) of the winning restart.</param>
public sealed record KMeansResult(IReadOnlyList<int> Assignments, double[,] Centroids, double Inertia, int Iterations, int Restart);
