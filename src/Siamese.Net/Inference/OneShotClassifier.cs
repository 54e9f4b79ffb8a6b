using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Embedding;
using Siamese.Net.Evaluation;
using Siamese.Net.Imaging;
using Siamese.Net.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Inference;

/// <summary>
/// Classifies images among classes known from one (or a few) support images each: an <see cref="Embedding.Embedder"/>
/// (the trained network and its preprocessing), an <see cref="ISupportIndex"/> of support embeddings, and a threshold.
/// A query belongs to the class whose support embeddings are nearest, or to none (<see cref="OneShotPrediction.Label"/>
/// null, "No match found") when even the nearest is farther than <see cref="Threshold"/>.
/// </summary>
/// <remarks>
/// <para>
/// Queries and support images go through the classifier's <see cref="Preprocessing"/> (the object the model was
/// trained with), so inference matches training by construction. Adding or removing a class never re-embeds the others.
/// </para>
/// <para>
/// Thread safety: the index is the one lock (its contract serialises changes against concurrent searches);
/// <c>Predict*</c>, <c>AddClass*</c>, <c>RemoveClass</c> and <see cref="Save"/> may be called from many threads.
/// <see cref="Dispose"/> may be called more than once; every other call afterwards throws
/// <see cref="ObjectDisposedException"/> naming this type. Do not train the encoder while a classifier uses it.
/// </para>
/// </remarks>
public sealed partial class OneShotClassifier : IDisposable
{
    private readonly ISupportIndex _index;
    private readonly TensorSupportIndex? _tensorIndex;
    private readonly ILogger _logger;
    private double _threshold;
    private volatile bool _disposed;

    /// <summary>Creates a classifier with an empty support set.</summary>
    /// <param name="encoder">The trained encoder (images [N, C, H, W] to embeddings [N, D]), or a <see cref="SiameseNetwork"/>.</param>
    /// <param name="preprocessing">The preprocessing the encoder was trained with.</param>
    /// <param name="options">Distance, aggregation, threshold, top-k, support index; defaults when null.</param>
    /// <param name="logger">Optional logger.</param>
    /// <remarks>The classifier owns and disposes its support index, not the encoder, which the caller owns.</remarks>
    /// <exception cref="ArgumentException">
    /// The encoder expects another input size than the preprocessing produces; the distance contradicts the Siamese
    /// network's; the threshold is negative for a distance; or the injected index is not empty, ranks by another metric,
    /// or the distance has no vector metric.
    /// </exception>
    public OneShotClassifier(
        nn.Module<Tensor, Tensor> encoder,
        ImagePreprocessing preprocessing,
        OneShotClassifierOptions? options = null,
        ILogger<OneShotClassifier>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(preprocessing);
        options ??= new OneShotClassifierOptions();
        Embedder = new Embedder(encoder, preprocessing, new EmbedderOptions { BatchSize = options.BatchSize, Device = options.Device, Decoder = options.Decoder, TestTimeAugmentation = options.TestTimeAugmentation }, options.Distance);
        _threshold = CheckThreshold(options.Threshold, Distance, nameof(options.Threshold)) ?? double.PositiveInfinity;
        _index = CreateIndex(Distance, options);
        _tensorIndex = _index as TensorSupportIndex;
        TopK = options.TopK;
        Options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The embedder: the network, its preprocessing, batch size and device.</summary>
    public Embedder Embedder { get; }

    /// <summary>The encoder (owned by the caller).</summary>
    public nn.Module<Tensor, Tensor> Encoder => Embedder.Network;

    /// <summary>The preprocessing applied to every support image and query.</summary>
    public ImagePreprocessing Preprocessing => Embedder.Preprocessing!;

    /// <summary>The distance between embeddings (<see cref="Embedder.DistanceOf"/>).</summary>
    public IDistance Distance => Embedder.Distance;

    /// <summary>The options the classifier was created with.</summary>
    public OneShotClassifierOptions Options { get; }

    /// <summary>The support index (owned by the classifier).</summary>
    public ISupportIndex Index => _index;

    /// <summary>How classes with several support images are scored.</summary>
    public KShotAggregation Aggregation => _index.Aggregation;

    /// <summary>Default number of candidates in <see cref="OneShotPrediction.Candidates"/>.</summary>
    public int TopK { get; }

    /// <summary>Images per encoder forward pass.</summary>
    public int BatchSize => Embedder.BatchSize;

    /// <summary>The views of each image whose embeddings are averaged (<see cref="OneShotClassifierOptions.TestTimeAugmentation"/>).</summary>
    public TestTimeAugmentation TestTimeAugmentation => Embedder.Options.TestTimeAugmentation;

    /// <summary>Embedding size D; null until the first class is added.</summary>
    public int? EmbeddingSize => Guarded(() => _index.Dimension);

    /// <summary>The support classes, in the order they were added.</summary>
    public IReadOnlyList<string> Classes => Guarded(() => _index.Classes);

    /// <summary>
    /// Distance above which a query is unknown; null never rejects. May be changed at any time (e.g. after
    /// calibration); predictions in flight use the value they read.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to NaN, an infinity, or a negative value for a distance.</exception>
    public double? Threshold
    {
        get
        {
            double value = Volatile.Read(ref _threshold);
            return double.IsPositiveInfinity(value) ? null : value;
        }

        set => Volatile.Write(ref _threshold, CheckThreshold(value, Distance, nameof(Threshold)) ?? double.PositiveInfinity);
    }

    /// <summary>Sets <see cref="Threshold"/> from a calibration result (<see cref="ThresholdCalibration"/>).</summary>
    /// <param name="calibrated">A calibration over <em>distances</em> computed with this classifier's distance.</param>
    /// <exception cref="ArgumentException">The calibration was over similarities, or its threshold accepts nothing.</exception>
    public void UseThreshold(ThresholdMetrics calibrated)
    {
        ArgumentNullException.ThrowIfNull(calibrated);
        if (calibrated.Kind != ScoreKind.Distance)
        {
            throw new ArgumentException(
                "The calibrated threshold is a similarity; the classifier rejects by distance. Calibrate VerificationScores.FromDistances.",
                nameof(calibrated));
        }

        if (double.IsNegativeInfinity(calibrated.Threshold))
        {
            throw new ArgumentException(
                "The calibrated threshold accepts no pair (-infinity): no threshold meets the calibration target on these validation pairs.",
                nameof(calibrated));
        }

        Threshold = calibrated.Threshold;
    }

    /// <summary>Adds (or extends) a class from image files, each decoded and preprocessed.</summary>
    /// <param name="label">Class label.</param>
    /// <param name="imagePaths">One or more image files.</param>
    /// <param name="cancellationToken">Cancels between encoder batches.</param>
    /// <exception cref="ArgumentException">No images, an empty label or a null path.</exception>
    /// <exception cref="FileNotFoundException">An image file does not exist.</exception>
    /// <exception cref="InvalidDataException">An image file cannot be decoded.</exception>
    public void AddClass(string label, IReadOnlyList<string> imagePaths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        AddEmbedded(label, imagePaths.Count, nameof(imagePaths), () => Embedder.Embed(imagePaths, cancellationToken));
    }

    /// <summary>Adds (or extends) a class from decoded images.</summary>
    /// <param name="label">Class label.</param>
    /// <param name="images">One or more float images [C, H, W] in [0, 1] (any size; the preprocessing resizes them).</param>
    /// <param name="cancellationToken">Cancels between encoder batches.</param>
    /// <exception cref="ArgumentException">No images, an empty label, or an image the preprocessing rejects.</exception>
    public void AddClass(string label, IReadOnlyList<Tensor> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        AddEmbedded(label, images.Count, nameof(images), () => Embedder.Embed(images, cancellationToken));
    }

    /// <summary>
    /// Adds every class of a folder-per-class dataset (<c>root/label/*.png</c>), labelled by its class name, from its
    /// first <paramref name="shotsPerClass"/> images in name order (all of them when null).
    /// </summary>
    /// <param name="dataset">The support images.</param>
    /// <param name="shotsPerClass">Support images per class (K); null for all.</param>
    /// <param name="cancellationToken">Cancels between classes and encoder batches.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shotsPerClass"/> is less than 1.</exception>
    public void AddClasses(ImageFolderDataset dataset, int? shotsPerClass = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (shotsPerClass is int k)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(k, 1, nameof(shotsPerClass));
        }

        for (int c = 0; c < dataset.ClassCount; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var images = dataset.ImagesOfClass(c).Take(shotsPerClass ?? int.MaxValue).Select(i => dataset.Images[i].Path).ToArray();
            AddClass(dataset.ClassNames[c], images, cancellationToken);
        }
    }

    /// <summary>Adds (or extends) a class from precomputed embeddings [K, D] made by this classifier's encoder.</summary>
    /// <param name="label">Class label.</param>
    /// <param name="embeddings">Embeddings [K, D], K &gt;= 1.</param>
    /// <exception cref="ArgumentException">Empty label, no embeddings, wrong shape or size, or non-finite values.</exception>
    public void AddClassEmbeddings(string label, Tensor embeddings)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.dim() != 2 || embeddings.shape[0] == 0)
        {
            throw new ArgumentException($"Support embeddings of class '{label}' must be [K, D] with K >= 1; got shape [{Guard.Shape(embeddings)}].", nameof(embeddings));
        }

        AddEmbeddings(Enumerable.Repeat(label, checked((int)embeddings.shape[0])).ToArray(), embeddings);
        LogAdded(_logger, embeddings.shape[0], label);
    }

    /// <summary>
    /// Adds many precomputed support embeddings at once, one label per row (a large gallery in one copy); rows of a
    /// label need not be adjacent.
    /// </summary>
    /// <param name="labels">Label of each row.</param>
    /// <param name="embeddings">Embeddings [labels.Count, D] made by this classifier's encoder.</param>
    /// <exception cref="ArgumentException">An empty label, wrong shape or size, or non-finite values.</exception>
    public void AddEmbeddings(IReadOnlyList<string> labels, Tensor embeddings)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(embeddings);
        Guarded(() =>
        {
            if (_tensorIndex is not null)
            {
                _tensorIndex.Add(labels, embeddings);
            }
            else
            {
                using var rows = embeddings.detach().to(ScalarType.Float32).cpu().contiguous();
                _index.Add(labels, rows.data<float>().ToArray());
            }

            return true;
        });
    }

    /// <summary>Removes a class; the other classes are untouched.</summary>
    /// <param name="label">Class label.</param>
    /// <returns>True if the class existed.</returns>
    public bool RemoveClass(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return Guarded(() => _index.Remove(label));
    }

    /// <summary>Renames a class, keeping its support embeddings and its place.</summary>
    /// <param name="label">The existing label.</param>
    /// <param name="newLabel">The new label; not empty and not already a class.</param>
    /// <returns>True if the class existed.</returns>
    public bool RenameClass(string label, string newLabel)
    {
        ArgumentNullException.ThrowIfNull(label);
        return Guarded(() => _index.Rename(label, newLabel));
    }

    /// <summary>A copy of a class's support embeddings [K, D] on the CPU (the caller disposes it).</summary>
    /// <param name="label">Class label.</param>
    /// <returns>The embeddings.</returns>
    /// <exception cref="KeyNotFoundException">No such class.</exception>
    public Tensor GetClassEmbeddings(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return Guarded(() =>
        {
            if (_tensorIndex is not null)
            {
                return _tensorIndex.GetEmbeddings(label);
            }

            var vectors = _index.GetVectors(label);
            int d = _index.Dimension ?? vectors.Length;
            return tensor(vectors, [vectors.Length / d, d]);
        });
    }

    /// <summary>Classifies one image file.</summary>
    /// <param name="imagePath">The image file.</param>
    /// <param name="topK">Candidates to return; <see cref="TopK"/> when null.</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="InvalidOperationException">The support set is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file cannot be decoded.</exception>
    public OneShotPrediction Predict(string imagePath, int? topK = null) => PredictBatch([imagePath], topK)[0];

    /// <summary>Classifies one decoded image.</summary>
    /// <param name="image">Float image [C, H, W] in [0, 1], any size (the preprocessing resizes it).</param>
    /// <param name="topK">Candidates to return; <see cref="TopK"/> when null.</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="InvalidOperationException">The support set is empty.</exception>
    /// <exception cref="ArgumentException">The preprocessing rejects the image.</exception>
    public OneShotPrediction Predict(Tensor image, int? topK = null) => PredictBatch([image], topK)[0];

    /// <summary>Classifies image files in batches.</summary>
    /// <param name="imagePaths">The image files.</param>
    /// <param name="topK">Candidates to return per file; <see cref="TopK"/> when null.</param>
    /// <param name="cancellationToken">Cancels between encoder batches.</param>
    /// <returns>One prediction per file, in order.</returns>
    public IReadOnlyList<OneShotPrediction> PredictBatch(IReadOnlyList<string> imagePaths, int? topK = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        return PredictEmbedded(imagePaths.Count, topK, () => Embedder.Embed(imagePaths, cancellationToken));
    }

    /// <summary>Classifies decoded images in batches.</summary>
    /// <param name="images">Float images [C, H, W] in [0, 1], any size.</param>
    /// <param name="topK">Candidates to return per image; <see cref="TopK"/> when null.</param>
    /// <param name="cancellationToken">Cancels between encoder batches.</param>
    /// <returns>One prediction per image, in order.</returns>
    public IReadOnlyList<OneShotPrediction> PredictBatch(IReadOnlyList<Tensor> images, int? topK = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        return PredictEmbedded(images.Count, topK, () => Embedder.Embed(images, cancellationToken));
    }

    /// <summary>Classifies precomputed query embeddings [Q, D].</summary>
    /// <param name="embeddings">Query embeddings made by this classifier's encoder.</param>
    /// <param name="topK">Candidates to return per query; <see cref="TopK"/> when null.</param>
    /// <returns>One prediction per row.</returns>
    /// <exception cref="InvalidOperationException">The support set is empty.</exception>
    /// <exception cref="ArgumentException">The embeddings are not [Q, D] with the support's D.</exception>
    public IReadOnlyList<OneShotPrediction> PredictEmbeddings(Tensor embeddings, int? topK = null)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        int k = CheckTopK(topK);
        var found = Guarded(() =>
        {
            if (_tensorIndex is not null)
            {
                return _tensorIndex.Search(embeddings, k);
            }

            if (embeddings.dim() != 2)
            {
                throw new ArgumentException($"Query embeddings must be [Q, D]; got shape [{Guard.Shape(embeddings)}].", nameof(embeddings));
            }

            using var rows = embeddings.detach().to(ScalarType.Float32).cpu().contiguous();
            return _index.Search(rows.data<float>().ToArray(), k);
        });
        double? threshold = Threshold;
        var metric = _index.Metric;
        return found.Select(candidates => OpenSetDecision.Decide(candidates, threshold, metric)).ToArray();
    }

    /// <summary>Embeds decoded images with the classifier's preprocessing and encoder (see <see cref="Embedder"/>).</summary>
    /// <param name="images">Float images [C, H, W] in [0, 1].</param>
    /// <param name="cancellationToken">Cancels between encoder batches.</param>
    /// <returns>Embeddings [N, D] on the CPU.</returns>
    public Tensor Embed(IReadOnlyList<Tensor> images, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return Embedder.Embed(images, cancellationToken);
    }

    /// <summary>Embeds image files with the classifier's preprocessing and encoder (see <see cref="Embedder"/>).</summary>
    /// <param name="imagePaths">The image files.</param>
    /// <param name="cancellationToken">Cancels between encoder batches.</param>
    /// <returns>Embeddings [N, D] on the CPU.</returns>
    public Tensor Embed(IReadOnlyList<string> imagePaths, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return Embedder.Embed(imagePaths, cancellationToken);
    }

    /// <summary>
    /// Saves the encoder weights, the support embeddings and labels, the threshold, the preprocessing, the distance and
    /// the aggregation in one file with a SHA-256 checksum per entry. The file is built in memory and verified first,
    /// then written to a temporary file and renamed into place, so an existing file is never replaced by a damaged or
    /// unloadable one.
    /// </summary>
    /// <param name="path">The file to write (conventionally <c>*.siamese</c>); replaced if it exists.</param>
    /// <param name="distances">Describes a custom distance's settings; the library's distances when null.</param>
    /// <exception cref="ObjectDisposedException">The classifier or its encoder was disposed (the existing file is untouched).</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void Save(string path, DistanceRegistry? distances = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ThrowIfDisposed();
        Guarded(() =>
        {
            ClassifierFile.Write(path, this, distances ?? new DistanceRegistry());
            return true;
        });
    }

    /// <summary>
    /// Loads a classifier saved by <see cref="Save"/> whose encoder is one of the library's (SigNet, Conv4Encoder,
    /// FaceSimilarityNet, SmallCnn, KochNet, bare or inside a <see cref="SiameseNetwork"/>): the encoder is rebuilt
    /// from the file's manifest. The caller owns (and disposes) the returned classifier's <see cref="Encoder"/>.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="distances">Rebuilds the saved distance; the library's distances when null.</param>
    /// <param name="decoder">Decoder for image files; <see cref="StbImageDecoder.Default"/> when null.</param>
    /// <param name="logger">Optional logger.</param>
    /// <returns>The classifier.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is damaged (an entry's checksum differs), not a classifier file, of another format version, holds an
    /// encoder that is not one of the library's (use the overload taking an encoder), or holds invalid values.
    /// </exception>
    public static OneShotClassifier Load(string path, DistanceRegistry? distances = null, IImageDecoder? decoder = null, ILogger<OneShotClassifier>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ClassifierFile.Read(path, encoder: null, distances ?? new DistanceRegistry(), decoder, logger);
    }

    /// <summary>
    /// Loads a classifier saved by <see cref="Save"/> into a caller-constructed encoder of the saved architecture (for
    /// user modules). Everything in the file is verified and validated before the encoder's weights are replaced, so a
    /// failed load leaves the encoder untouched.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="encoder">A freshly constructed encoder of the saved architecture.</param>
    /// <param name="distances">Rebuilds the saved distance; the library's distances when null.</param>
    /// <param name="decoder">Decoder for image files; <see cref="StbImageDecoder.Default"/> when null.</param>
    /// <param name="logger">Optional logger.</param>
    /// <returns>The classifier.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is damaged, not a classifier file, of another format version, was saved from another architecture, or
    /// holds invalid values.
    /// </exception>
    public static OneShotClassifier Load(string path, nn.Module<Tensor, Tensor> encoder, DistanceRegistry? distances = null, IImageDecoder? decoder = null, ILogger<OneShotClassifier>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(encoder);
        return ClassifierFile.Read(path, encoder, distances ?? new DistanceRegistry(), decoder, logger);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _index.Dispose();
    }

    /// <summary>Checks a threshold for a distance: finite, and non-negative unless the distance is a similarity.</summary>
    internal static double? CheckThreshold(double? value, IDistance distance, string name)
    {
        OpenSetDecision.CheckThreshold(value, name);
        if (value is double v && v < 0 && !distance.IsSimilarity)
        {
            throw new ArgumentOutOfRangeException(name, v, $"{name} is a {distance.Name} distance and must be non-negative; got {v}.");
        }

        return value;
    }

    // Event ids 6101-6199 belong to the classifier (docs/one-shot-and-evaluation.md); the trainer has 6001-6099.
    [LoggerMessage(EventId = 6101, EventName = "SupportAdded", Level = LogLevel.Debug, Message = "Added {Count} support embeddings to class {Label}")]
    private static partial void LogAdded(ILogger logger, long count, string label);

    private static ISupportIndex CreateIndex(IDistance distance, OneShotClassifierOptions options)
    {
        if (options.SupportIndex is null)
        {
            return new TensorSupportIndex(distance, (options.TensorIndex ?? new TensorSupportIndexOptions()) with { Aggregation = options.Aggregation });
        }

        var metric = distance.Metric ?? throw new ArgumentException(
            $"The '{distance.Name}' distance has no vector metric, so only the tensor index can rank by it; leave SupportIndex null.", nameof(options));
        var index = options.SupportIndex(metric, options.Aggregation) ?? throw new ArgumentException("The SupportIndex factory returned null.", nameof(options));
        string? problem = index.Metric.Name != metric.Name ? $"ranks by '{index.Metric.Name}' but the classifier's distance is '{metric.Name}'"
            : index.Count != 0 ? $"already holds {index.Count} embeddings; it must be empty"
            : index.Aggregation != options.Aggregation ? $"aggregates by {index.Aggregation}, the options say {options.Aggregation}"
            : null;
        if (problem is not null)
        {
            index.Dispose();
            throw new ArgumentException($"The support index {problem}.", nameof(options));
        }

        return index;
    }

    private int CheckTopK(int? topK) => topK switch
    {
        null => TopK,
        >= 1 => topK.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(topK), topK, $"topK must be at least 1; got {topK}."),
    };

    private void AddEmbedded(string label, int count, string parameterName, Func<Tensor> embed)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        if (count == 0)
        {
            throw new ArgumentException($"Class '{label}' has no images; give at least one support image.", parameterName);
        }

        ThrowIfDisposed();
        using var embeddings = embed();
        AddClassEmbeddings(label, embeddings);
    }

    private IReadOnlyList<OneShotPrediction> PredictEmbedded(int count, int? topK, Func<Tensor> embed)
    {
        CheckTopK(topK);
        ThrowIfDisposed();
        if (Guarded(() => _index.Count) == 0)
        {
            throw new InvalidOperationException("The support set is empty: add at least one class before predicting.");
        }

        if (count == 0)
        {
            return [];
        }

        using var embeddings = embed();
        return PredictEmbeddings(embeddings, topK);
    }

    /// <summary>Runs an index call, reporting use after <see cref="Dispose"/> as this classifier's, not the index's.</summary>
    private T Guarded<T>(Func<T> call)
    {
        ThrowIfDisposed();
        try
        {
            return call();
        }
        catch (ObjectDisposedException) when (_disposed)
        {
            throw new ObjectDisposedException(typeof(OneShotClassifier).FullName);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
