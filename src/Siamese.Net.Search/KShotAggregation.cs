namespace Siamese.Net.Search;

/// <summary>How a class with several support examples (K-shot) is compared with a query.</summary>
public enum KShotAggregation
{
    /// <summary>The class distance is the distance to its nearest support example (1-nearest-neighbour).</summary>
    NearestSample = 1,

    /// <summary>
    /// The class distance is the distance to the mean of its support embeddings, the class prototype of
    /// Snell et al. (2017); robust to one odd support example.
    /// </summary>
    Prototype = 2,
}
