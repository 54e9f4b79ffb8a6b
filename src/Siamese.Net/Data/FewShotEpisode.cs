using static TorchSharp.torch;

namespace Siamese.Net.Data;

/// <summary>
/// An N-way K-shot task: a labelled support set and queries to classify among its N classes. Owns its tensors.
/// Labels are episode-local class indices 0..N-1 (Int64), and support images are grouped by class.
/// </summary>
/// <remarks>
/// As an <see cref="ITrainingBatch"/> (what the trainer and losses consume) an episode is its support images followed
/// by its queries, with their labels: a prototypical loss or validation then takes the first <see cref="SupportShots"/>
/// images of each class as the support set, exactly the episode's own split.
/// </remarks>
/// <param name="Support">Support images [N x K, C, H, W].</param>
/// <param name="SupportLabels">Support labels [N x K].</param>
/// <param name="Query">Query images [Q, C, H, W].</param>
/// <param name="QueryLabels">The true class index of each query [Q].</param>
/// <param name="ClassNames">The name of each episode class (dataset class, or support file for Lake's runs).</param>
public sealed record FewShotEpisode(Tensor Support, Tensor SupportLabels, Tensor Query, Tensor QueryLabels, IReadOnlyList<string> ClassNames) : ITrainingBatch
{
    /// <summary>N: number of classes.</summary>
    public int Ways => ClassNames.Count;

    /// <summary>Number of queries.</summary>
    public long QueryCount => Query.shape[0];

    /// <summary>The support images followed by the queries [N x K + Q, C, H, W].</summary>
    public Tensor Images { get; } = cat([Support, Query], 0);

    /// <summary>The support labels followed by the query labels [N x K + Q].</summary>
    public Tensor? Labels { get; } = cat([SupportLabels, QueryLabels], 0);

    /// <summary>Always null: an episode's structure is in its labels.</summary>
    public Losses.IndexTuples? Tuples => null;

    /// <summary>K: support images per class.</summary>
    public int SupportShots => Ways == 0 ? 1 : (int)(Support.shape[0] / Ways);

    /// <inheritdoc />
    public void Dispose()
    {
        Images.Dispose();
        Labels?.Dispose();
        Support.Dispose();
        SupportLabels.Dispose();
        Query.Dispose();
        QueryLabels.Dispose();
    }
}
