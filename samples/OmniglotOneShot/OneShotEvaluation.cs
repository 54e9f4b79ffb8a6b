using System.Globalization;
using Siamese.Net.Data;
using Siamese.Net;
using Siamese.Net.Distances;
using Siamese.Net.Embedding;
using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using TorchSharp;
using static TorchSharp.torch;
using Siamese.Net.Datasets;

namespace OmniglotOneShot;

/// <summary>One query of a run as the classifier answered it.</summary>
/// <param name="Run">The run's name.</param>
/// <param name="QueryPath">The query image.</param>
/// <param name="PredictedPath">The support image the classifier chose.</param>
/// <param name="Distance">Distance to that support image.</param>
/// <param name="Correct">Whether it is the query's class.</param>
public sealed record QueryOutcome(string Run, string QueryPath, string PredictedPath, double Distance, bool Correct);

/// <summary>What the one-shot evaluation found.</summary>
/// <param name="CorrectPerRun">Correct queries per run.</param>
/// <param name="QueriesPerRun">Queries per run.</param>
/// <param name="SameDistances">Distances from each query to its own class's support image.</param>
/// <param name="DifferentDistances">Distances from each query to the other support images.</param>
/// <param name="Outcomes">Every query's answer, in run order.</param>
public sealed record OneShotEvaluationResult(
    IReadOnlyList<int> CorrectPerRun,
    IReadOnlyList<int> QueriesPerRun,
    IReadOnlyList<double> SameDistances,
    IReadOnlyList<double> DifferentDistances,
    IReadOnlyList<QueryOutcome> Outcomes)
{
    /// <summary>Pooled accuracy over all queries.</summary>
    public double Accuracy => (double)CorrectPerRun.Sum() / QueriesPerRun.Sum();
}

/// <summary>
/// Runs N-way one-shot runs through <see cref="OneShotClassifier"/>: for each run a classifier gets the run's support
/// images as its classes (one shot each) and labels the run's queries, exactly how a user would classify new
/// characters from one example. The classifier's preprocessing is the training preprocessing by construction.
/// </summary>
public static class OneShotEvaluation
{
    /// <summary>Evaluates <paramref name="runs"/>.</summary>
    /// <remarks>
    /// Runs share images (Lake's 20 runs, or hundreds of runs drawn from a few held-out alphabets), so every distinct
    /// image is decoded and embedded once, through the classifier's own preprocessing and encoder; each run's classifier
    /// then receives the support embeddings and labels the query embeddings.
    /// </remarks>
    public static OneShotEvaluationResult Evaluate(
        nn.Module<Tensor, Tensor> network,
        ImagePreprocessing preprocessing,
        IDistance distance,
        IReadOnlyList<OneShotRun> runs,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(preprocessing);
        ArgumentNullException.ThrowIfNull(runs);
        var correct = new List<int>(runs.Count);
        var queries = new List<int>(runs.Count);
        var same = new List<double>();
        var different = new List<double>();
        var outcomes = new List<QueryOutcome>();
        var paths = runs.SelectMany(r => r.SupportPaths.Concat(r.QueryPaths)).Distinct(StringComparer.Ordinal).ToArray();
        var row = paths.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => (long)x.i, StringComparer.Ordinal);
        using var noGrad = torch.no_grad();
        using var embeddings = EmbedAll(network, preprocessing, distance, paths, cancellationToken);
        for (int r = 0; r < runs.Count; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var run = runs[r];
            using var scope = NewDisposeScope();
            using var classifier = new OneShotClassifier(Model(network, distance), preprocessing, new OneShotClassifierOptions { Distance = distance, TopK = 3 });
            int n = run.SupportPaths.Count;
            var support = embeddings.index_select(0, torch.tensor(run.SupportPaths.Select(p => row[p]).ToArray()));
            classifier.AddEmbeddings(Enumerable.Range(0, n).Select(Label).ToArray(), support);
            var queryEmbeddings = embeddings.index_select(0, torch.tensor(run.QueryPaths.Select(p => row[p]).ToArray()));
            var predictions = classifier.PredictEmbeddings(queryEmbeddings);
            var matrix = distance.Matrix(queryEmbeddings, support).to(ScalarType.Float64).data<double>().ToArray();
            int right = 0;
            for (int q = 0; q < run.QueryPaths.Count; q++)
            {
                int target = run.QueryTargets[q];
                int predicted = int.Parse(predictions[q].NearestLabel.AsSpan(5), CultureInfo.InvariantCulture);
                bool ok = predicted == target;
                right += ok ? 1 : 0;
                outcomes.Add(new QueryOutcome(run.Name, run.QueryPaths[q], run.SupportPaths[predicted], predictions[q].Distance, ok));
                for (int s = 0; s < n; s++)
                {
                    (s == target ? same : different).Add(matrix[(q * n) + s]);
                }
            }

            correct.Add(right);
            queries.Add(run.QueryPaths.Count);
            progress?.Report(r + 1);
        }

        return new OneShotEvaluationResult(correct, queries, same, different, outcomes);
    }

    /// <summary>A classifier whose classes are the run's support images, labelled <c>class0</c>, <c>class1</c>, ...</summary>
    public static OneShotClassifier CreateClassifier(nn.Module<Tensor, Tensor> network, ImagePreprocessing preprocessing, IDistance distance, OneShotRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var classifier = new OneShotClassifier(Model(network, distance), preprocessing, new OneShotClassifierOptions { Distance = distance, TopK = 3 });
        for (int i = 0; i < run.SupportPaths.Count; i++)
        {
            classifier.AddClass(Label(i), [run.SupportPaths[i]]);
        }

        return classifier;
    }

    private static string Label(int supportIndex) => "class" + supportIndex.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The module to embed with: a Siamese network carries its own distance, so when the run is scored with another one
    /// (the BCE head's learned similarity) the classifier gets the shared encoder, which computes the same embeddings.
    /// </summary>
    private static nn.Module<Tensor, Tensor> Model(nn.Module<Tensor, Tensor> network, IDistance distance) =>
        network is SiameseNetwork siamese && siamese.Distance.Name != distance.Name ? siamese.Encoder : network;

    /// <summary>Embeds files (decoded as stored, then the training preprocessing) in chunks.</summary>
    private static Tensor EmbedAll(nn.Module<Tensor, Tensor> network, ImagePreprocessing preprocessing, IDistance distance, string[] paths, CancellationToken cancellationToken)
    {
        var embedder = new Embedder(Model(network, distance), preprocessing, distance: distance);
        using var scope = NewDisposeScope();
        var chunks = new List<Tensor>();
        foreach (var chunk in paths.Chunk(256))
        {
            using var inner = NewDisposeScope();
            var decoded = chunk.Select(p => StbImageDecoder.Default.Decode(File.ReadAllBytes(p), preprocessing.ColorMode, p)).ToArray();
            chunks.Add(embedder.Embed(decoded, cancellationToken).MoveToOuterDisposeScope());
        }

        return torch.cat(chunks, 0).MoveToOuterDisposeScope();
    }
}
