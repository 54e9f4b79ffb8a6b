using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Embedding;
using Siamese.Net.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Evaluation;

/// <summary>
/// Scores pairs with a trained network: the distance between the two embeddings of each pair, with its typed label,
/// ready for <see cref="VerificationScores"/>' ROC, EER and <see cref="ThresholdCalibration"/>.
/// </summary>
/// <remarks>
/// Embeds through an <see cref="Embedder"/> (evaluation mode, <c>no_grad</c>, both sides of a batch in one forward,
/// the network's previous mode restored) and compares with the embedder's distance, so a model is scored with the
/// distance it was trained with. Use it on validation pairs to calibrate a threshold and on test pairs to report
/// verification metrics.
/// </remarks>
public static class PairVerifier
{
    /// <summary>Scores every pair of one epoch of <paramref name="pairs"/> by embedding distance.</summary>
    /// <param name="network">The embedding network (a <see cref="SiameseNetwork"/> or any encoder).</param>
    /// <param name="pairs">The pairs; each batch is disposed after use.</param>
    /// <param name="distance">The distance for a network that is not a <see cref="SiameseNetwork"/>; Euclidean when null.</param>
    /// <param name="epoch">Which epoch of the source to read (sources that sample pairs draw them from it).</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>Distance-like scores with their labels; smaller means more alike (a similarity is negated).</returns>
    /// <exception cref="ArgumentException">The source yielded no pairs.</exception>
    public static VerificationScores Score(
        nn.Module<Tensor, Tensor> network,
        IBatchSource<ITrainingBatch> pairs,
        IDistance? distance = null,
        int epoch = 0,
        CancellationToken cancellationToken = default) =>
        Score(new Embedder(network, distance: distance), pairs, epoch, cancellationToken);

    /// <summary>Scores every pair of one epoch of <paramref name="pairs"/> with an embedder's network and distance.</summary>
    /// <param name="embedder">The embedder.</param>
    /// <param name="pairs">The pairs; each batch is disposed after use.</param>
    /// <param name="epoch">Which epoch of the source to read.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>Distance-like scores with their labels; smaller means more alike.</returns>
    /// <exception cref="ArgumentException">The source yielded no pairs.</exception>
    public static VerificationScores Score(Embedder embedder, IBatchSource<ITrainingBatch> pairs, int epoch = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(pairs);
        var distance = embedder.Distance;
        var distances = new List<double>();
        var same = new List<bool>();
        foreach (var batch in pairs.ReadEpoch(epoch, cancellationToken))
        {
            using (batch)
            using (var scope = NewDisposeScope())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var embeddings = embedder.EmbedPreprocessed(batch.Images, cancellationToken);
                // A pair batch's tuples, or every pair of a labelled batch: the pairs validation scores too.
                var tuples = batch.Tuples?.ToPairs() ?? (batch.Labels is { } labels ? PairTuples.AllPairs(labels) : null)
                    ?? throw new ArgumentException("A batch has neither pair tuples nor labels to form pairs from.", nameof(pairs));
                var (positiveValues, negativeValues) = ((PairTuples)tuples.ToDevice(embeddings.device)).Distances(embeddings, distance);
                var positive = distance.AsDistance(positiveValues);
                var negative = distance.AsDistance(negativeValues);
                distances.AddRange(positive.to(ScalarType.Float64).cpu().data<double>().ToArray());
                same.AddRange(Enumerable.Repeat(true, (int)positive.shape[0]));
                distances.AddRange(negative.to(ScalarType.Float64).cpu().data<double>().ToArray());
                same.AddRange(Enumerable.Repeat(false, (int)negative.shape[0]));
            }
        }

        if (distances.Count == 0)
        {
            throw new ArgumentException("The pair source yielded no pairs to score.", nameof(pairs));
        }

        return VerificationScores.FromDistances(distances, same);
    }

    /// <summary>
    /// Scores image-file pairs (a pairs CSV, <see cref="Datasets.PairCsv"/>): every distinct file is embedded once,
    /// however many pairs reuse it, then each pair is scored by the embedder's distance.
    /// </summary>
    /// <param name="embedder">The embedder (with the preprocessing the network was trained with).</param>
    /// <param name="pairs">The pairs, with their labels.</param>
    /// <param name="load">
    /// Decodes a file into an image [C, H, W] in [0, 1] before the preprocessing, e.g. to score the same pairs on
    /// altered scans (another contrast, another pen); null decodes with the embedder's decoder.
    /// </param>
    /// <param name="cancellationToken">Stops between chunks of images.</param>
    /// <returns>Distance-like scores in the order of <paramref name="pairs"/>; smaller means more alike.</returns>
    /// <exception cref="ArgumentException">No pairs, or a null pair.</exception>
    /// <exception cref="InvalidOperationException">The embedder has no preprocessing.</exception>
    /// <exception cref="FileNotFoundException">An image file does not exist.</exception>
    public static VerificationScores Score(Embedder embedder, IReadOnlyList<ImagePair> pairs, Func<string, Tensor>? load = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0 || pairs.Any(p => p is null))
        {
            throw new ArgumentException(pairs.Count == 0 ? "There are no pairs to score." : "pairs contains a null pair.", nameof(pairs));
        }

        // Row i of the embeddings is paths[i]; rows maps a file to its row.
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        var paths = new List<string>();
        foreach (string path in pairs.SelectMany(p => new[] { p.First, p.Second }))
        {
            if (rows.TryAdd(path, paths.Count))
            {
                paths.Add(path);
            }
        }

        using var scope = NewDisposeScope();
        var embeddings = load is null
            ? embedder.Embed(paths, cancellationToken)
            : cat(paths.Chunk(embedder.BatchSize).Select(chunk =>
            {
                using var images = NewDisposeScope();
                return embedder.Embed(chunk.Select(load).ToList(), cancellationToken).MoveToOuterDisposeScope();
            }).ToList(), 0);
        using var noGrad = no_grad();
        var first = embeddings.index_select(0, tensor(pairs.Select(p => rows[p.First]).ToArray()));
        var second = embeddings.index_select(0, tensor(pairs.Select(p => rows[p.Second]).ToArray()));
        var distance = embedder.Distance;
        var values = distance.AsDistance(distance.Pairwise(first, second)).to(ScalarType.Float64).cpu().data<double>().ToArray();
        return VerificationScores.FromDistances(values, pairs.Select(p => p.Label).ToArray());
    }
}
