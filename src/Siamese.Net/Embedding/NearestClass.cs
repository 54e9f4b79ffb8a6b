using Siamese.Net.Distances;
using Siamese.Net.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Embedding;

/// <summary>
/// The one nearest-class routine: distances from query embeddings to labelled support embeddings, aggregated per
/// class (nearest sample or prototype). Trainer validation, episode evaluation and the tensor support index all
/// score N-way classification through it, so they give the same answer on the same embeddings.
/// </summary>
public static class NearestClass
{
    /// <summary>Distance-like scores (smaller = closer) from each query to each support class.</summary>
    /// <param name="queries">Query embeddings [Q, D].</param>
    /// <param name="support">Support embeddings [S, D].</param>
    /// <param name="supportClassIds">Integer class id of each support row [S]; classes are ordered by first appearance.</param>
    /// <param name="distance">The distance or similarity the embeddings were trained with; a similarity is negated.</param>
    /// <param name="aggregation">How a class with several support rows is scored.</param>
    /// <returns>The class scores.</returns>
    /// <exception cref="ArgumentException">Shapes do not match.</exception>
    public static ClassDistances Score(Tensor queries, Tensor support, Tensor supportClassIds, IDistance distance, KShotAggregation aggregation)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(support);
        ArgumentNullException.ThrowIfNull(supportClassIds);
        ArgumentNullException.ThrowIfNull(distance);
        Guard.Embeddings(queries);
        Guard.Embeddings(support);
        Guard.Labels(supportClassIds, support.shape[0]);
        if (queries.shape[1] != support.shape[1])
        {
            throw new ArgumentException($"Queries are {queries.shape[1]}-dimensional but the support set is {support.shape[1]}-dimensional.", nameof(queries));
        }

        using var scope = NewDisposeScope();
        var ids = supportClassIds.to(ScalarType.Int64).cpu();
        var (classIds, inverse) = FirstAppearanceClasses(ids);
        var members = inverse.to(support.device);
        long classes = classIds.shape[0];
        Tensor scores;
        switch (aggregation)
        {
            case KShotAggregation.Prototype:
                var counts = zeros(classes, dtype: support.dtype, device: support.device)
                    .index_add_(0, members, ones(support.shape[0], dtype: support.dtype, device: support.device), 1.0);
                var prototypes = zeros(classes, support.shape[1], dtype: support.dtype, device: support.device)
                    .index_add_(0, members, support, 1.0)
                    .div_(counts.unsqueeze(1));
                scores = distance.AsDistance(distance.Matrix(queries, prototypes));
                break;
            case KShotAggregation.NearestSample:
                var sampleScores = distance.AsDistance(distance.Matrix(queries, support));
                var membership = nn.functional.one_hot(members, classes).to(ScalarType.Bool);
                // [Q, S, 1] over [1, S, C]: rows outside a class become +inf, so the minimum over S is the class's nearest sample.
                scores = sampleScores.unsqueeze(2)
                    .masked_fill(membership.logical_not().unsqueeze(0), double.PositiveInfinity)
                    .amin(1);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "Unknown K-shot aggregation.");
        }

        return new ClassDistances(scores.MoveToOuterDisposeScope(), classIds.MoveToOuterDisposeScope());
    }

    /// <summary>The distinct ids in order of first appearance, and each row's position among them.</summary>
    private static (Tensor ClassIds, Tensor Inverse) FirstAppearanceClasses(Tensor ids)
    {
        var values = ids.data<long>().ToArray();
        var order = new Dictionary<long, long>();
        var inverse = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (!order.TryGetValue(values[i], out long position))
            {
                position = order.Count;
                order[values[i]] = position;
            }

            inverse[i] = position;
        }

        return (tensor(order.Keys.ToArray()), tensor(inverse));
    }
}
