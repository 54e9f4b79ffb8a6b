using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// Validation of a labelled-batch task, one batch = one episode: the first image of each class in the batch is that
/// class's support (reference) and every other image is a query, classified as the class of its nearest support.
/// With N classes in the batch this is N-way one-shot accuracy; the loss is the metric loss of the whole batch.
/// </summary>
/// <typeparam name="TBatch">The batch type.</typeparam>
internal sealed class EpisodeValidationPass<TBatch> : IValidationPass<TBatch>
{
    private readonly Func<TBatch, Device, (Tensor Loss, Tensor Embeddings, Tensor ClassIds)> _evaluate;
    private readonly Func<Tensor, Tensor, Tensor> _distanceMatrix;
    private double _lossSum;
    private long _images;
    private long _queries;
    private long _correct;
    private long _episodes;
    private long _ways;

    /// <param name="evaluate">Returns the mean loss, the embeddings [N, D] and the class ids [N] of a batch.</param>
    /// <param name="distanceMatrix">Distances [Q, R] between queries [Q, D] and references [R, D]; smaller = more alike.</param>
    public EpisodeValidationPass(
        Func<TBatch, Device, (Tensor Loss, Tensor Embeddings, Tensor ClassIds)> evaluate,
        Func<Tensor, Tensor, Tensor> distanceMatrix)
    {
        _evaluate = evaluate;
        _distanceMatrix = distanceMatrix;
    }

    /// <inheritdoc />
    public void Add(TBatch batch, Device device)
    {
        var (loss, embeddings, classIds) = _evaluate(batch, device);
        var ids = classIds.to(ScalarType.Int64).cpu().data<long>().ToArray();
        _lossSum += loss.to(ScalarType.Float64).item<double>() * ids.Length;
        _images += ids.Length;

        var (correct, queries, ways) = Score(embeddings, ids, _distanceMatrix);
        if (queries > 0)
        {
            _correct += correct;
            _queries += queries;
            _ways += ways;
            _episodes++;
        }
    }

    /// <inheritdoc />
    public ValidationMetrics Complete()
    {
        if (_queries == 0)
        {
            throw new InvalidOperationException(
                "The validation batches contain no queries: each episode (batch) needs at least one class with two or more images.");
        }

        return new ValidationMetrics
        {
            Loss = _lossSum / _images,
            Accuracy = (double)_correct / _queries,
            Ways = (double)_ways / _episodes,
            Count = _queries,
        };
    }

    /// <summary>Classifies the queries of one episode by their nearest support.</summary>
    internal static (long Correct, long Queries, int Ways) Score(Tensor embeddings, long[] classIds, Func<Tensor, Tensor, Tensor> distanceMatrix)
    {
        var supportOf = new Dictionary<long, int>();
        var supportIndex = new List<long>();
        var queryIndex = new List<long>();
        for (int i = 0; i < classIds.Length; i++)
        {
            if (supportOf.TryAdd(classIds[i], supportIndex.Count))
            {
                supportIndex.Add(i);
            }
            else
            {
                queryIndex.Add(i);
            }
        }

        if (queryIndex.Count == 0)
        {
            return (0, 0, supportIndex.Count);
        }

        using var scope = NewDisposeScope();
        var device = embeddings.device;
        var supports = embeddings.index_select(0, tensor(supportIndex.ToArray(), device: device));
        var queries = embeddings.index_select(0, tensor(queryIndex.ToArray(), device: device));
        var nearest = distanceMatrix(queries, supports).argmin(1).cpu().data<long>().ToArray();
        long correct = 0;
        for (int q = 0; q < queryIndex.Count; q++)
        {
            if (supportIndex[(int)nearest[q]] is var s && classIds[s] == classIds[queryIndex[q]])
            {
                correct++;
            }
        }

        return (correct, queryIndex.Count, supportIndex.Count);
    }
}
