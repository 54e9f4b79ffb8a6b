using Siamese.Net.Data;
using TorchSharp;

namespace Siamese.Net.Datasets;

/// <summary>
/// One run of Lake et al.'s one-shot benchmark: support images (one per class) and query images, each with the index
/// of its true support image. Loaded by <see cref="LakeOneShotRuns.Load"/>.
/// </summary>
/// <param name="Name">The run folder's name, e.g. <c>run01</c>.</param>
/// <param name="SupportPaths">Support images in file-name order (<c>training/class01.png</c>, ...).</param>
/// <param name="QueryPaths">Query images in file-name order (<c>test/item01.png</c>, ...).</param>
/// <param name="QueryTargets">For each query, the index into <paramref name="SupportPaths"/> of its class.</param>
public sealed record OneShotRun(string Name, IReadOnlyList<string> SupportPaths, IReadOnlyList<string> QueryPaths, IReadOnlyList<int> QueryTargets)
{
    /// <summary>Loads the images as an N-way one-shot episode: support label i is support image i.</summary>
    /// <param name="images">Loads and preprocesses the images (no augmentation).</param>
    /// <returns>A new episode owned by the caller; its tensors belong to the caller's dispose scope, if any.</returns>
    public FewShotEpisode Load(ImageStore images)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = torch.NewDisposeScope();
        var episode = new FewShotEpisode(
            images.LoadBatch(SupportPaths),
            torch.tensor(Enumerable.Range(0, SupportPaths.Count).Select(i => (long)i).ToArray()),
            images.LoadBatch(QueryPaths),
            torch.tensor(QueryTargets.Select(t => (long)t).ToArray()),
            SupportPaths.Select(Path.GetFileNameWithoutExtension).ToArray()!);
        scope.MoveToOuter(episode.Support, episode.SupportLabels, episode.Query, episode.QueryLabels);
        return episode;
    }
}
