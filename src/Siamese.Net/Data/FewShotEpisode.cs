using static TorchSharp.torch;

namespace Siamese.Net.Data;

/// <summary>
/// An N-way K-shot task: a labelled support set and queries to classify among its N classes. Owns its tensors.
/// Labels are episode-local class indices 0..N-1 (Int64), and support images are grouped by class.
/// </summary>
/// <param name="Support">Support images [N x K, C, H, W].</param>
/// <param name="SupportLabels">Support labels [N x K].</param>
/// <param name="Query">Query images [Q, C, H, W].</param>
/// <param name="QueryLabels">The true class index of each query [Q].</param>
/// <param name="ClassNames">The name of each episode class (dataset class, or support file for Lake's runs).</param>
public sealed record FewShotEpisode(Tensor Support, Tensor SupportLabels, Tensor Query, Tensor QueryLabels, IReadOnlyList<string> ClassNames) : IDisposable
{
    /// <summary>N: number of classes.</summary>
    public int Ways => ClassNames.Count;

    /// <summary>Number of queries.</summary>
    public long QueryCount => Query.shape[0];

    /// <inheritdoc />
    public void Dispose()
    {
        Support.Dispose();
        SupportLabels.Dispose();
        Query.Dispose();
        QueryLabels.Dispose();
    }
}
