using Siamese.Net.Imaging;
using TorchSharp;

namespace Siamese.Net.Data;

/// <summary>
/// N-way K-shot episodes drawn from a folder-per-class dataset: each episode picks N distinct classes among those
/// with at least K + queries images, then K support and <c>queriesPerClass</c> query images of each, all distinct.
/// Fixed by (seed, epoch, episode); one batch = one episode.
/// </summary>
public sealed class EpisodeSource : IndexedBatchSource<FewShotEpisode>, IImageFileSource
{
    private readonly ImageFolderDataset _dataset;
    private readonly ImageStore _images;
    private readonly int _ways;
    private readonly int _shots;
    private readonly int _queriesPerClass;
    private readonly int _episodesPerEpoch;
    private readonly int _seed;
    private readonly ImageAugmentation? _augmentation;
    private readonly int[] _eligible;

    /// <summary>Creates the source.</summary>
    /// <param name="dataset">The dataset (usually classes unseen in training).</param>
    /// <param name="images">Loads and preprocesses the images.</param>
    /// <param name="options">N, K, queries per class, episodes per epoch, seed and augmentation; the defaults (5-way
    /// 1-shot, one query per class, 100 episodes) when null. Validated here.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is below its minimum (the message names it and its value).</exception>
    /// <exception cref="InvalidOperationException">Fewer than N classes have K + queries images.</exception>
    public EpisodeSource(ImageFolderDataset dataset, ImageStore images, EpisodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(images);
        options ??= new EpisodeOptions();
        options.Validate();
        int ways = options.Ways;
        int shots = options.Shots;
        int queriesPerClass = options.QueriesPerClass;
        _eligible = ClassSampling.ClassesWithAtLeast(dataset, shots + queriesPerClass);
        if (_eligible.Length < ways)
        {
            throw new InvalidOperationException(
                $"{dataset.Root}: a {ways}-way {shots}-shot episode with {queriesPerClass} queries per class needs {ways} classes with at least {shots + queriesPerClass} images; {_eligible.Length} have that many.");
        }

        _dataset = dataset;
        _images = images;
        _ways = ways;
        _shots = shots;
        _queriesPerClass = queriesPerClass;
        _episodesPerEpoch = options.EpisodesPerEpoch;
        _seed = options.Seed;
        _augmentation = options.Augmentation;
    }

    /// <inheritdoc />
    public override int BatchesPerEpoch => _episodesPerEpoch;

    /// <inheritdoc />
    protected override FewShotEpisode BuildBatch(int epoch, int batchIndex)
    {
        var random = SeedStreams.Random(_seed, 0xE915, epoch, batchIndex);
        var classes = ClassSampling.Choose(_eligible, _ways, random);
        var support = new List<string>();
        var query = new List<string>();
        var supportLabels = new List<long>();
        var queryLabels = new List<long>();
        for (int w = 0; w < classes.Length; w++)
        {
            var picked = ClassSampling.Choose(_dataset.ImagesByClass[classes[w]], _shots + _queriesPerClass, random);
            for (int i = 0; i < picked.Length; i++)
            {
                (i < _shots ? support : query).Add(_dataset.Images[picked[i]].Path);
                (i < _shots ? supportLabels : queryLabels).Add(w);
            }
        }

        var aug = _augmentation;
        var s = _images.LoadBatch(support, aug, aug is null ? null : SeedStreams.Random(_seed, 0xA09, epoch, batchIndex, 0));
        var q = _images.LoadBatch(query, aug, aug is null ? null : SeedStreams.Random(_seed, 0xA09, epoch, batchIndex, 1));
        return new FewShotEpisode(
            s,
            torch.tensor(supportLabels.ToArray()),
            q,
            torch.tensor(queryLabels.ToArray()),
            classes.Select(c => _dataset.ClassNames[c]).ToArray());
    }

    /// <inheritdoc />
    protected override IEnumerable<IDisposable> BatchTensors(FewShotEpisode batch) =>
        [batch.Support, batch.SupportLabels, batch.Query, batch.QueryLabels, batch.Images, batch.Labels!];

    /// <inheritdoc />
    public IEnumerable<string> ImagePaths => _dataset.Images.Select(i => i.Path);

    /// <inheritdoc />
    public Imaging.IImageDecoder Decoder => _images.Decoder;
}
