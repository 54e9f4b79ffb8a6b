using System.Collections.Concurrent;
using Siamese.Net.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Data;

/// <summary>
/// Loads image files into preprocessed tensors for the dataset sources: streams from disk by default, or keeps each
/// image's resized pixels in memory after the first read (opt-in, for small sets such as the AT&amp;T faces: about
/// 44 KB per 105x105 grey image, so Omniglot's 19,280 images would take some 850 MB). Thread-safe.
/// </summary>
public sealed class ImageStore
{
    private readonly ConcurrentDictionary<string, float[]>? _cache;

    /// <summary>Creates a store.</summary>
    /// <param name="preprocessing">The preprocessing every image goes through.</param>
    /// <param name="decoder">The decoder; <see cref="StbImageDecoder.Default"/> when null.</param>
    /// <param name="cacheInMemory">Keep decoded, resized pixels in memory after the first read.</param>
    public ImageStore(ImagePreprocessing preprocessing, IImageDecoder? decoder = null, bool cacheInMemory = false)
    {
        ArgumentNullException.ThrowIfNull(preprocessing);
        preprocessing.Validate();
        Preprocessing = preprocessing;
        Decoder = decoder ?? StbImageDecoder.Default;
        _cache = cacheInMemory ? new ConcurrentDictionary<string, float[]>(StringComparer.Ordinal) : null;
    }

    /// <summary>The preprocessing applied to every image.</summary>
    public ImagePreprocessing Preprocessing { get; }

    /// <summary>The decoder.</summary>
    public IImageDecoder Decoder { get; }

    /// <summary>Whether decoded images are kept in memory.</summary>
    public bool CachesInMemory => _cache is not null;

    /// <summary>Number of images currently cached.</summary>
    public int CachedCount => _cache?.Count ?? 0;

    /// <summary>Loads one image, preprocessed, without augmentation.</summary>
    /// <param name="path">The image file.</param>
    /// <returns>A new tensor [C, H, W].</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a decodable image.</exception>
    public Tensor Load(string path)
    {
        using var scope = torch.NewDisposeScope();
        return Preprocessing.Photometric(Geometric(path)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Loads images into one batch [N, C, H, W], augmenting them with <paramref name="random"/> when an augmentation
    /// is given. Intermediate tensors are disposed; the result is left in the caller's dispose scope.
    /// </summary>
    /// <param name="paths">The image files.</param>
    /// <param name="augmentation">The augmentation or null.</param>
    /// <param name="random">The randomness for the augmentation (required with one).</param>
    /// <returns>A new tensor [N, C, H, W].</returns>
    public Tensor LoadBatch(IReadOnlyList<string> paths, ImageAugmentation? augmentation = null, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
        {
            throw new ArgumentException("No image paths given.", nameof(paths));
        }

        if (augmentation is not null)
        {
            ArgumentNullException.ThrowIfNull(random);
        }

        using var scope = torch.NewDisposeScope();
        var images = new Tensor[paths.Count];
        for (int i = 0; i < images.Length; i++)
        {
            images[i] = Geometric(paths[i]);
        }

        var batch = torch.stack(images, 0);
        if (augmentation is not null)
        {
            batch = augmentation.Apply(batch, random!, Preprocessing.BackgroundValue);
        }

        return Preprocessing.Photometric(batch).MoveToOuterDisposeScope();
    }

    private Tensor Geometric(string path)
    {
        if (_cache is null)
        {
            using var decoded = ImageFile.Decode(path, Decoder, Preprocessing.ColorMode);
            return Preprocessing.Geometric(decoded);
        }

        var pixels = _cache.GetOrAdd(path, p =>
        {
            using var scope = torch.NewDisposeScope();
            using var decoded = ImageFile.Decode(p, Decoder, Preprocessing.ColorMode);
            return Preprocessing.Geometric(decoded).contiguous().data<float>().ToArray();
        });
        return torch.tensor(pixels, new long[] { Preprocessing.Channels, Preprocessing.Height, Preprocessing.Width });
    }
}
