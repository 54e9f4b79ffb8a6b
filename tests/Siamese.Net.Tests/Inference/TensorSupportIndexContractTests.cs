using Siamese.Net.Distances;
using Siamese.Net.Inference;
using Siamese.Net.Search;
using Siamese.Net.Search.Testing;

namespace Siamese.Net.Tests.Inference;

/// <summary>The core's libtorch index passes the same behavioural suite as the exact, USearch and pgvector indexes.</summary>
public sealed class TensorSupportIndexContractTests : SupportIndexContractTests
{
    protected override ISupportIndex CreateIndex(VectorMetric metric, KShotAggregation aggregation)
    {
        IDistance distance = metric.Name switch
        {
            "euclidean" => new EuclideanDistance(),
            "cosine" => new CosineDistance(),
            "inner-product" => new DotProductSimilarity(),
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric.Name, "No core distance for this metric."),
        };
        return new TensorSupportIndex(distance, new TensorSupportIndexOptions { Aggregation = aggregation });
    }
}
