using Siamese.Net.Distances;
using static TorchSharp.torch;

namespace Siamese.Net.Evaluation;

/// <summary>
/// Agreement between two labelings of the same items, mutual-information based, computed exactly as scikit-learn's
/// <c>normalized_mutual_info_score</c> and <c>adjusted_mutual_info_score</c> with <c>average_method='arithmetic'</c>
/// (natural logarithms; both are symmetric and ignore what the labels are called), and the clustering quality of
/// embeddings as pytorch-metric-learning's <c>AccuracyCalculator</c> measures it: NMI and AMI between the labels and
/// a k-means clustering with k = the number of distinct labels.
/// </summary>
public static class ClusteringMetrics
{
    /// <summary>
    /// NMI(U, V) = MI(U, V) / ((H(U) + H(V)) / 2), with MI = Σ_ij (n_ij/N) log(N n_ij / (a_i b_j)) over the contingency
    /// table n_ij (a_i, b_j its row and column sums) and H the entropy of a labeling. In [0, 1]; 1 when both put every
    /// item in a single class, 0 when MI is 0 (Strehl and Ghosh, 2002; scikit-learn's arithmetic normalisation).
    /// </summary>
    /// <typeparam name="TFirst">Label type of the first labeling (compared with its default equality).</typeparam>
    /// <typeparam name="TSecond">Label type of the second labeling.</typeparam>
    /// <param name="labels">First labeling, e.g. the true classes.</param>
    /// <param name="clusters">Second labeling of the same items, e.g. cluster indices.</param>
    /// <exception cref="ArgumentException">The labelings differ in length or are empty.</exception>
    public static double NormalizedMutualInformation<TFirst, TSecond>(IReadOnlyList<TFirst> labels, IReadOnlyList<TSecond> clusters)
    {
        var table = LabelContingency.Of(labels, clusters, nameof(labels), nameof(clusters));
        if (table.BothTrivial)
        {
            return 1;
        }

        double mi = table.MutualInformation();
        if (mi == 0)
        {
            return 0;
        }

        return mi / ((table.Entropy(rows: true) + table.Entropy(rows: false)) / 2);
    }

    /// <summary>
    /// AMI(U, V) = (MI - E[MI]) / ((H(U) + H(V)) / 2 - E[MI]) (Vinh, Epps and Bailey, "Information Theoretic Measures
    /// for Clusterings Comparison", JMLR 2010), E[MI] the expected mutual information of two random labelings with the
    /// same class sizes (hypergeometric model). 1 for identical labelings, about 0 for independent ones, can be
    /// negative; 1 when both put every item in one class. A denominator within machine epsilon of 0 is held at ±ε,
    /// as scikit-learn does.
    /// </summary>
    /// <typeparam name="TFirst">Label type of the first labeling.</typeparam>
    /// <typeparam name="TSecond">Label type of the second labeling.</typeparam>
    /// <param name="labels">First labeling, e.g. the true classes.</param>
    /// <param name="clusters">Second labeling of the same items, e.g. cluster indices.</param>
    /// <exception cref="ArgumentException">The labelings differ in length or are empty.</exception>
    public static double AdjustedMutualInformation<TFirst, TSecond>(IReadOnlyList<TFirst> labels, IReadOnlyList<TSecond> clusters)
    {
        const double epsilon = 2.220446049250313e-16;
        var table = LabelContingency.Of(labels, clusters, nameof(labels), nameof(clusters));
        if (table.BothTrivial)
        {
            return 1;
        }

        double mi = table.MutualInformation();
        double emi = table.ExpectedMutualInformation();
        double denominator = ((table.Entropy(rows: true) + table.Entropy(rows: false)) / 2) - emi;
        denominator = denominator < 0 ? Math.Min(denominator, -epsilon) : Math.Max(denominator, epsilon);
        return (mi - emi) / denominator;
    }

    /// <summary>
    /// Clusters the embeddings with <see cref="KMeans"/> into as many clusters as there are distinct labels and
    /// scores the clusters against the labels with NMI and AMI.
    /// </summary>
    /// <typeparam name="TLabel">Class label type.</typeparam>
    /// <param name="embeddings">Embeddings [N, D]; normalise them first to cluster by cosine.</param>
    /// <param name="labels">Label of each embedding (N).</param>
    /// <param name="options">k-means settings (restarts, seed); <see cref="KMeansOptions"/> defaults when null.</param>
    /// <exception cref="ArgumentException">Sizes disagree, or the embeddings are not [N, D] or not finite.</exception>
    public static ClusteringResult FromEmbeddings<TLabel>(Tensor embeddings, IReadOnlyList<TLabel> labels, KMeansOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(labels);
        if (embeddings.dim() != 2 || embeddings.shape[0] != labels.Count)
        {
            throw new ArgumentException(
                $"Expected embeddings [N, D] with N = {labels.Count} (the number of labels), got {DistanceShapes.Format(embeddings)}.", nameof(embeddings));
        }

        int classes = labels.Distinct().Count();
        var clustering = KMeans.Fit(embeddings, classes, options);
        return new ClusteringResult(
            NormalizedMutualInformation(labels, clustering.Assignments),
            AdjustedMutualInformation(labels, clustering.Assignments),
            clustering);
    }
}
