using Siamese.Net.Distances;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Evaluation;

/// <summary>
/// k-means clustering of embeddings with TorchSharp tensors (float64, on the points' device): k-means++ seeding
/// (Arthur and Vassilvitskii, "k-means++: The Advantages of Careful Seeding", 2007) from a seeded generator, then
/// Lloyd's iterations, restarted <see cref="KMeansOptions.Restarts"/> times; the lowest inertia wins.
/// </summary>
/// <remarks>
/// Distances are squared Euclidean; normalise the embeddings first to cluster by cosine. A cluster that loses all
/// its points is re-seeded at the point farthest from its centroid, as scikit-learn does, so every result has k
/// non-empty clusters when there are k distinct points.
/// </remarks>
public static class KMeans
{
    private const long ChunkElements = 4L << 20;

    /// <summary>Clusters the rows of <paramref name="points"/> into <paramref name="clusters"/> groups.</summary>
    /// <param name="points">Points [N, D]; finite.</param>
    /// <param name="clusters">k, from 1 to N.</param>
    /// <param name="options">Restarts, iterations, tolerance and seed; the defaults of <see cref="KMeansOptions"/> when null.</param>
    /// <exception cref="ArgumentException"><paramref name="points"/> is not [N, D] with N ≥ 1 or holds a NaN or infinity.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clusters"/> is outside [1, N] or an option is out of range.</exception>
    public static KMeansResult Fit(Tensor points, int clusters, KMeansOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        options ??= new KMeansOptions();
        CheckOptions(options);
        if (points.dim() != 2 || points.shape[0] < 1 || points.shape[1] < 1)
        {
            throw new ArgumentException($"Expected points [N, D] with N, D >= 1, got {DistanceShapes.Format(points)}.", nameof(points));
        }

        int n = checked((int)points.shape[0]);
        if (clusters < 1 || clusters > n)
        {
            throw new ArgumentOutOfRangeException(nameof(clusters), clusters, $"The number of clusters must be in [1, {n}] (the number of points).");
        }

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = points.detach().to(float64);
        if (!x.isfinite().all().item<bool>())
        {
            throw new ArgumentException("points holds a NaN or infinite value.", nameof(points));
        }

        var squaredNorms = x.square().sum(1);
        // scikit-learn's relative tolerance: tol times the mean per-dimension variance of the data.
        double tolerance = options.Tolerance * (x - x.mean([0], keepdim: true)).square().mean().item<double>();
        var random = new Random(options.Seed);

        KMeansResult? best = null;
        for (int restart = 0; restart < options.Restarts; restart++)
        {
            using var restartScope = NewDisposeScope();
            var centers = x.index_select(0, tensor(PlusPlusSeeds(x, clusters, random), device: x.device));
            int iterations = 0;
            Tensor assignment = Assign(x, squaredNorms, centers).Index;
            for (int iteration = 1; iteration <= options.MaxIterations; iteration++)
            {
                iterations = iteration;
                var updated = Update(x, assignment, centers, squaredNorms, clusters);
                double shift = (updated - centers).square().sum().item<double>();
                centers = updated;
                var next = Assign(x, squaredNorms, centers).Index;
                bool unchanged = next.eq(assignment).all().item<bool>();
                assignment = next;
                if (unchanged || shift <= tolerance)
                {
                    break;
                }
            }

            var labels = assignment.to(int32).cpu().data<int>().ToArray();
            double inertia = (x - centers.index_select(0, assignment)).square().sum().item<double>();
            if (best is null || inertia < best.Inertia)
            {
                best = new KMeansResult(labels, ToArray(centers), inertia, iterations, restart);
            }
        }

        return best!;
    }

    private static void CheckOptions(KMeansOptions options)
    {
        if (options.Restarts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Restarts, "KMeansOptions.Restarts must be at least 1.");
        }

        if (options.MaxIterations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxIterations, "KMeansOptions.MaxIterations must be at least 1.");
        }

        if (!(options.Tolerance >= 0) || double.IsInfinity(options.Tolerance))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Tolerance, "KMeansOptions.Tolerance must be finite and non-negative.");
        }
    }

    // k-means++: the first seed uniform, each next one drawn with probability proportional to the squared distance
    // to the nearest seed so far. When every point already coincides with a seed, the rest are drawn uniformly from
    // the points not yet chosen, so the seeds stay distinct indices.
    private static long[] PlusPlusSeeds(Tensor x, int clusters, Random random)
    {
        int n = checked((int)x.shape[0]);
        var seeds = new long[clusters];
        var chosen = new bool[n];
        seeds[0] = random.Next(n);
        chosen[seeds[0]] = true;
        double[] nearest = SquaredDistancesTo(x, seeds[0]);
        for (int c = 1; c < clusters; c++)
        {
            double total = 0;
            foreach (double d in nearest)
            {
                total += d;
            }

            int pick = -1;
            if (total > 0)
            {
                double target = random.NextDouble() * total;
                double cumulative = 0;
                for (int i = 0; i < n; i++)
                {
                    if (nearest[i] <= 0)
                    {
                        continue;
                    }

                    pick = i;
                    cumulative += nearest[i];
                    if (cumulative > target)
                    {
                        break;
                    }
                }
            }
            else
            {
                int skip = random.Next(n - c);
                for (int i = 0; i < n; i++)
                {
                    if (!chosen[i] && skip-- == 0)
                    {
                        pick = i;
                        break;
                    }
                }
            }

            seeds[c] = pick;
            chosen[pick] = true;
            double[] distances = SquaredDistancesTo(x, pick);
            for (int i = 0; i < n; i++)
            {
                nearest[i] = Math.Min(nearest[i], distances[i]);
            }
        }

        return seeds;
    }

    private static double[] SquaredDistancesTo(Tensor x, long index)
    {
        using var scope = NewDisposeScope();
        return (x - x.narrow(0, index, 1)).square().sum(1).cpu().data<double>().ToArray();
    }

    // Nearest centroid of each point (first on a tie) and its squared distance, in chunks of rows.
    private static (Tensor Index, Tensor SquaredDistance) Assign(Tensor x, Tensor squaredNorms, Tensor centers)
    {
        long n = x.shape[0];
        long k = centers.shape[0];
        long chunk = Math.Clamp(ChunkElements / Math.Max(1, k), 1, n);
        var centerNorms = centers.square().sum(1).unsqueeze(0);
        var indices = new List<Tensor>();
        var values = new List<Tensor>();
        for (long start = 0; start < n; start += chunk)
        {
            long rows = Math.Min(chunk, n - start);
            var block = x.narrow(0, start, rows);
            var d = (squaredNorms.narrow(0, start, rows).unsqueeze(1) + centerNorms - block.mm(centers.t()).mul(2.0)).clamp_min(0.0);
            var (min, argmin) = d.min(1);
            values.Add(min);
            indices.Add(argmin);
        }

        return indices.Count == 1 ? (indices[0], values[0]) : (cat(indices, 0L), cat(values, 0L));
    }

    // The mean of each cluster's points; an empty cluster moves to the point farthest from its centroid.
    private static Tensor Update(Tensor x, Tensor assignment, Tensor centers, Tensor squaredNorms, int clusters)
    {
        var counts = assignment.bincount(null, clusters).to(float64);
        var sums = zeros(clusters, x.shape[1], float64, x.device).index_add_(0, assignment, x, 1.0);
        var updated = sums / counts.clamp_min(1.0).unsqueeze(1);
        var countValues = counts.cpu().data<double>().ToArray();
        if (countValues.All(c => c > 0))
        {
            return updated;
        }

        var farthest = Assign(x, squaredNorms, centers).SquaredDistance.argsort(descending: true).cpu().data<long>().ToArray();
        int next = 0;
        for (int j = 0; j < clusters; j++)
        {
            if (countValues[j] == 0)
            {
                updated[j].copy_(x[farthest[next++]]);
            }
        }

        return updated;
    }

    private static double[,] ToArray(Tensor centers)
    {
        int k = checked((int)centers.shape[0]);
        int d = checked((int)centers.shape[1]);
        var values = centers.cpu().data<double>().ToArray();
        var result = new double[k, d];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < d; j++)
            {
                result[i, j] = values[(i * d) + j];
            }
        }

        return result;
    }
}
