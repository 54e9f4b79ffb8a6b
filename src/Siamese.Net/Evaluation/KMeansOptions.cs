namespace Siamese.Net.Evaluation;

/// <summary>
/// Settings of <see cref="KMeans.Fit"/>: Lloyd's algorithm from k-means++ seeds (Arthur and Vassilvitskii, 2007),
/// restarted several times, keeping the lowest inertia. The defaults follow scikit-learn's <c>KMeans</c>
/// (<c>max_iter</c> 300, <c>tol</c> 1e-4) with 10 restarts (its classic <c>n_init</c>).
/// </summary>
public sealed record KMeansOptions
{
    /// <summary>Independent k-means++ initialisations; the run with the lowest inertia wins. Default 10, at least 1.</summary>
    public int Restarts { get; init; } = 10;

    /// <summary>Largest number of Lloyd iterations per restart. Default 300, at least 1.</summary>
    public int MaxIterations { get; init; } = 300;

    /// <summary>
    /// Convergence: a restart stops when the squared shift of all centroids, summed, is at most this times the mean
    /// per-dimension variance of the points (scikit-learn's relative <c>tol</c>). Default 1e-4; 0 iterates until the
    /// assignment no longer changes the centroids.
    /// </summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>Seed of the k-means++ sampling, so a clustering is reproducible. Default 0.</summary>
    public int Seed { get; init; }
}
