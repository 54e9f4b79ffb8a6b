using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Embedding;
using Siamese.Net.Evaluation;
using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceSimilarity;

/// <summary>Every pair of a set of face images, with its distance and whether both show the same subject.</summary>
/// <param name="First">Index of the first image of each pair.</param>
/// <param name="Second">Index of the second image.</param>
/// <param name="Distances">Embedding distance of each pair.</param>
/// <param name="IsSame">True for pairs of the same subject.</param>
public sealed record FacePairs(int[] First, int[] Second, double[] Distances, bool[] IsSame)
{
    /// <summary>The pairs as verification scores (distances: smaller = more alike).</summary>
    public VerificationScores Scores() => VerificationScores.FromDistances(Distances, IsSame);
}

/// <summary>Evaluation of a trained face encoder on subjects it never trained on, through the library's public API.</summary>
public static class FaceEvaluation
{
    /// <summary>
    /// Embeds images from their files the way a user's queries are embedded: decoded, then the embedder's (the
    /// classifier's) preprocessing and encoder.
    /// </summary>
    /// <returns>Embeddings [N, D] on the CPU, in the order of <paramref name="subjects"/>' images.</returns>
    public static Tensor Embed(Embedder embedder, ImageFolderDataset subjects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(subjects);
        using var scope = NewDisposeScope();
        var decoded = subjects.Images
            .Select(image => StbImageDecoder.Default.Decode(File.ReadAllBytes(image.Path), ColorMode.Grayscale, image.Path))
            .ToArray();
        return embedder.Embed(decoded, cancellationToken).MoveToOuterDisposeScope();
    }

    /// <summary>All unordered pairs of distinct images (n·(n-1)/2), scored by <paramref name="distance"/>.</summary>
    public static FacePairs AllPairs(Tensor embeddings, ImageFolderDataset subjects, IDistance distance)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(subjects);
        ArgumentNullException.ThrowIfNull(distance);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var matrix = distance.Matrix(embeddings, embeddings).to(float64).contiguous().data<double>().ToArray();
        int n = subjects.Images.Count;
        var first = new List<int>();
        var second = new List<int>();
        var distances = new List<double>();
        var same = new List<bool>();
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                first.Add(i);
                second.Add(j);
                distances.Add(matrix[(i * n) + j]);
                same.Add(subjects.Images[i].ClassId == subjects.Images[j].ClassId);
            }
        }

        return new FacePairs(first.ToArray(), second.ToArray(), distances.ToArray(), same.ToArray());
    }

    /// <summary>
    /// N-way 1-shot accuracy through a <see cref="OneShotClassifier"/>, N = every test subject: each episode gives the
    /// classifier one random support image per subject and classifies all the other images; the result is the mean
    /// episode accuracy with its 95 % interval. The classifier's support set is cleared before and after.
    /// </summary>
    /// <param name="classifier">The classifier (its support set is used and cleared).</param>
    /// <param name="embeddings">Embeddings of <paramref name="subjects"/>' images, in order.</param>
    /// <param name="subjects">The subjects.</param>
    /// <param name="episodes">Number of episodes.</param>
    /// <param name="seed">Seed of the support draws.</param>
    /// <param name="perSubject">Receives, per subject, the fraction of its queries classified right over all episodes: which faces are hard.</param>
    /// <param name="cancellationToken">Cancels between episodes.</param>
    public static AccuracyEstimate OneShotAccuracy(
        OneShotClassifier classifier, Tensor embeddings, ImageFolderDataset subjects, int episodes, int seed, out double[] perSubject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(subjects);
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 2);
        var random = new Random(seed);
        var accuracies = new double[episodes];
        var right = new int[subjects.ClassCount];
        var asked = new int[subjects.ClassCount];
        var threshold = classifier.Threshold;
        classifier.Threshold = null; // identification: the nearest subject is the answer, no "unknown"
        try
        {
            for (int e = 0; e < episodes; e++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Clear(classifier);
                using var scope = NewDisposeScope();
                var queries = new List<long>();
                for (int c = 0; c < subjects.ClassCount; c++)
                {
                    var members = subjects.ImagesOfClass(c);
                    int support = members[random.Next(members.Count)];
                    classifier.AddClassEmbeddings(subjects.ClassNames[c], embeddings[support].unsqueeze(0));
                    queries.AddRange(members.Where(m => m != support).Select(m => (long)m));
                }

                var predictions = classifier.PredictEmbeddings(embeddings.index_select(0, tensor(queries.ToArray())));
                int correct = 0;
                for (int i = 0; i < queries.Count; i++)
                {
                    int truth = subjects.Images[(int)queries[i]].ClassId;
                    asked[truth]++;
                    if (predictions[i].Label == subjects.ClassNames[truth])
                    {
                        right[truth]++;
                        correct++;
                    }
                }

                accuracies[e] = (double)correct / queries.Count;
            }
        }
        finally
        {
            Clear(classifier);
            classifier.Threshold = threshold;
        }

        perSubject = right.Select((r, c) => asked[c] == 0 ? double.NaN : (double)r / asked[c]).ToArray();
        return EpisodeEvaluator.Summarize(accuracies);
    }

    private static void Clear(OneShotClassifier classifier)
    {
        foreach (var label in classifier.Classes.ToArray())
        {
            classifier.RemoveClass(label);
        }
    }
}
