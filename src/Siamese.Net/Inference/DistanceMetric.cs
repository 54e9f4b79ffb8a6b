using Siamese.Net.Distances;
using Siamese.Net.Search;
using static TorchSharp.torch;

namespace Siamese.Net.Inference;

/// <summary>
/// The vector metric of a distance that has no <see cref="IDistance.Metric"/> (Manhattan, a learned head): it names
/// the distance and computes it through the distance's own tensors, so a tensor index can report a metric.
/// Values are distance-like (a similarity negated).
/// </summary>
internal sealed class DistanceMetric(IDistance distance) : VectorMetric
{
    public override string Name => distance.Name;

    public override float Distance(ReadOnlySpan<float> first, ReadOnlySpan<float> second)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var a = tensor(first.ToArray()).unsqueeze(0);
        var b = tensor(second.ToArray()).unsqueeze(0);
        return distance.AsDistance(distance.Pairwise(a, b)).item<float>();
    }

    /// <summary>A negated similarity turns back into the similarity; a distance d into 1 / (1 + d).</summary>
    public override double Similarity(double value) => distance.IsSimilarity ? -value : base.Similarity(value);
}
