using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Siamese.Net.Distances;
using Siamese.Net.Encoders;
using Siamese.Net.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Inference;

/// <summary>
/// Classifies images among classes known from one (or a few) support images each, using a trained encoder: a query
/// belongs to the class whose support embeddings are nearest, or to none ("No match found") when even the nearest is
/// farther than <see cref="Threshold"/>.
/// </summary>
/// <remarks>
/// <para>
/// Queries and support images go through the classifier's own <see cref="Preprocessing"/> (the object the model was
/// trained with), so inference matches training by construction; an image of another size or channel count is
/// converted by it. Support embeddings live in an <see cref="ISupportIndex"/>: adding or removing a class never
/// re-embeds the others.
/// </para>
/// <para>
/// Thread safety: <c>Predict*</c> may be called concurrently (a web service); the encoder runs in evaluation mode
/// under <c>no_grad</c> in each calling thread. Adding/removing classes and saving take a writer/reader lock and
/// are safe alongside predictions. Do not train the encoder while a classifier uses it.
/// </para>
/// </remarks>
public sealed partial class OneShotClassifier : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _encoder;
    private readonly ISupportIndex _index;
    private readonly ReaderWriterLockSlim _supportLock = new(LockRecursionPolicy.NoRecursion);
    private readonly IImageDecoder _decoder;
    private readonly ILogger _logger;
    private double _threshold;
    private bool _disposed;

    /// <summary>Creates a classifier with an empty support set.</summary>
    /// <param name="encoder">
    /// The trained encoder (images [N, C, H, W] to embeddings [N, D]), or a <see cref="SiameseNetwork"/>. It is put in
    /// evaluation mode.
    /// </param>
    /// <param name="preprocessing">The preprocessing the encoder was trained with.</param>
    /// <param name="options">Distance, aggregation, threshold, top-k; defaults when null.</param>
    /// <param name="index">
    /// An empty support index to use instead of an <see cref="InMemorySupportIndex"/> (e.g. a larger store); its
    /// distance and aggregation then apply (<see cref="OneShotClassifierOptions.Aggregation"/> is ignored), and
    /// <see cref="OneShotClassifierOptions.Distance"/>, when set, must have the same name.
    /// </param>
    /// <param name="logger">Optional logger.</param>
    /// <remarks>The classifier disposes its support index, not the encoder, which the caller owns.</remarks>
    /// <exception cref="ArgumentException">
    /// The encoder is a built-in <see cref="ImageEncoder"/> whose input size differs from the preprocessing's output,
    /// or the index disagrees with the options or is not empty.
    /// </exception>
    public OneShotClassifier(
        nn.Module<Tensor, Tensor> encoder,
        ImagePreprocessing preprocessing,
        OneShotClassifierOptions? options = null,
        ISupportIndex? index = null,
        ILogger<OneShotClassifier>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(preprocessing);
        options ??= new OneShotClassifierOptions();
        preprocessing.Validate();
        CheckEncoderInput(encoder, preprocessing);

        var distance = options.Distance ?? (encoder as SiameseNetwork)?.Distance ?? new EuclideanDistance();
        if (index is null)
        {
            index = new InMemorySupportIndex(distance, options.Aggregation);
        }
        else
        {
            if (index.Classes.Count != 0)
            {
                throw new ArgumentException($"The support index must be empty; it already holds {index.Classes.Count} classes.", nameof(index));
            }

            if (options.Distance is not null && options.Distance.Name != index.Distance.Name)
            {
                throw new ArgumentException(
                    $"options.Distance is '{options.Distance.Name}' but the index ranks by '{index.Distance.Name}'.", nameof(index));
            }
        }

        _encoder = encoder;
        _encoder.eval();
        _index = index;
        Preprocessing = preprocessing;
        TopK = options.TopK;
        BatchSize = options.BatchSize;
        _threshold = options.Threshold ?? double.PositiveInfinity;
        _decoder = options.Decoder ?? StbImageDecoder.Default;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The encoder (in evaluation mode).</summary>
    public nn.Module<Tensor, Tensor> Encoder => _encoder;

    /// <summary>The preprocessing applied to every support image and query.</summary>
    public ImagePreprocessing Preprocessing { get; }

    /// <summary>The distance between embeddings.</summary>
    public IDistance Distance => _index.Distance;

    /// <summary>How classes with several support images are scored.</summary>
    public KShotAggregation Aggregation => _index.Aggregation;

    /// <summary>Number of candidates in <see cref="OneShotPrediction.Candidates"/>.</summary>
    public int TopK { get; }

    /// <summary>Images per encoder forward pass.</summary>
    public int BatchSize { get; }

    /// <summary>Embedding size D; null until the first class is added.</summary>
    public int? EmbeddingSize => _index.EmbeddingSize;

    /// <summary>The support classes, in the order they were added.</summary>
    public IReadOnlyList<string> Classes => _index.Classes;

    /// <summary>
    /// Distance above which a query is unknown; null never rejects. May be changed at any time (e.g. after
    /// calibration); predictions in flight use the value they read.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative value or NaN.</exception>
    public double? Threshold
    {
        get
        {
            double value = Volatile.Read(ref _threshold);
            return double.IsPositiveInfinity(value) ? null : value;
        }

        set => Volatile.Write(ref _threshold, CheckThreshold(value, nameof(Threshold)) ?? double.PositiveInfinity);
    }

    /// <summary>Sets <see cref="Threshold"/> from a calibration result (<see cref="Evaluation.ThresholdCalibration"/>).</summary>
    /// <param name="calibrated">A calibration over <em>distances</em> computed with this classifier's distance.</param>
    /// <exception cref="ArgumentException">The calibration was over similarities, or its threshold accepts nothing.</exception>
    public void UseThreshold(Evaluation.ThresholdMetrics calibrated)
    {
        ArgumentNullException.ThrowIfNull(calibrated);
        if (calibrated.Kind != Evaluation.ScoreKind.Distance)
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
        ArgumentException.ThrowIfNullOrEmpty(label);
        ArgumentNullException.ThrowIfNull(imagePaths);
        if (imagePaths.Count == 0)
        {
            throw new ArgumentException($"Class '{label}' has no images; give at least one support image.", nameof(imagePaths));
        }

        using var scope = NewDisposeScope();
        var embeddings = EmbedImages(LoadAll(imagePaths, nameof(imagePaths)), cancellationToken);
        AddClassEmbeddings(label, embeddings);
    }

    /// <summary>
    /// Adds every class of a folder-per-class dataset (<c>root/label/*.png</c>), labelled by its class name, from its
    /// first <paramref name="shotsPerClass"/> images in name order (all of them when null).
    /// </summary>
    /// <param name="dataset">The support images.</param>
    /// <param name="shotsPerClass">Support images per class (K); null for all.</param>
    /// <param name="cancellationToken">Cancels between classes and encoder batches.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shotsPerClass"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">A class has no images.</exception>
    public void AddClasses(Data.ImageFolderDataset dataset, int? shotsPerClass = null, CancellationToken cancellationToken = default)
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

    /// <summary>Adds (or extends) a class from decoded images.</summary>
    /// <param name="label">Class label.</param>
    /// <param name="images">One or more float images [C, H, W] in [0, 1] (any size; the preprocessing resizes them).</param>
    /// <param name="cancellationToken">Cancels between encoder batches.</param>
    /// <exception cref="ArgumentException">No images, an empty label, or an image the preprocessing rejects.</exception>
    public void AddClass(string label, IReadOnlyList<Tensor> images, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException($"Class '{label}' has no images; give at least one support image.", nameof(images));
        }

        using var scope = NewDisposeScope();
        var embeddings = EmbedImages(PreprocessAll(images, nameof(images)), cancellationToken);
        AddClassEmbeddings(label, embeddings);
    }

    /// <summary>Adds (or extends) a class from precomputed embeddings [K, D] made by this classifier's encoder.</summary>
    /// <param name="label">Class label.</param>
    /// <param name="embeddings">Embeddings [K, D], K &gt;= 1.</param>
    /// <exception cref="ArgumentException">Empty label, no embeddings, wrong shape or size, or non-finite values.</exception>
    public void AddClassEmbeddings(string label, Tensor embeddings)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        ArgumentNullException.ThrowIfNull(embeddings);
        _supportLock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _index.Add(label, embeddings);
        }
        finally
        {
            _supportLock.ExitWriteLock();
        }

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
        _supportLock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _index.Add(labels, embeddings);
        }
        finally
        {
            _supportLock.ExitWriteLock();
        }
    }

    /// <summary>Removes a class; the other classes are untouched.</summary>
    /// <param name="label">Class label.</param>
    /// <returns>True if the class existed.</returns>
    public bool RemoveClass(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        _supportLock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _index.Remove(label);
        }
        finally
        {
            _supportLock.ExitWriteLock();
        }
    }

    /// <summary>A copy of a class's support embeddings [K, D] (the caller disposes it).</summary>
    /// <param name="label">Class label.</param>
    /// <exception cref="KeyNotFoundException">No such class.</exception>
    public Tensor GetClassEmbeddings(string label)
    {
        _supportLock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _index.GetEmbeddings(label);
        }
        finally
        {
            _supportLock.ExitReadLock();
        }
    }

    /// <summary>Classifies one image file.</summary>
    /// <param name="imagePath">The image file.</param>
    /// <exception cref="InvalidOperationException">The support set is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file cannot be decoded.</exception>
    public OneShotPrediction Predict(string imagePath) => PredictBatch([imagePath])[0];

    /// <summary>Classifies one decoded image.</summary>
    /// <param name="image">Float image [C, H, W] in [0, 1], any size (the preprocessing resizes it).</param>
    /// <exception cref="InvalidOperationException">The support set is empty.</exception>
    /// <exception cref="ArgumentException">The preprocessing rejects the image (rank, channel count, dtype).</exception>
    public OneShotPrediction Predict(Tensor image) => PredictBatch([image])[0];

    /// <summary>Classifies image files in batches.</summary>
    /// <param name="imagePaths">The image files.</param>
    /// <param name="cancellationToken">Cancels between encoder batches.</param>
    /// <returns>One prediction per file, in order.</returns>
    public IReadOnlyList<OneShotPrediction> PredictBatch(IReadOnlyList<string> imagePaths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        EnsureSupport();
        if (imagePaths.Count == 0)
        {
            return [];
        }

        using var scope = NewDisposeScope();
        return PredictEmbeddings(EmbedImages(LoadAll(imagePaths, nameof(imagePaths)), cancellationToken));
    }

    /// <summary>Classifies decoded images in batches.</summary>
    /// <param name="images">Float images [C, H, W] in [0, 1], any size.</param>
    /// <param name="cancellationToken">Cancels between encoder batches.</param>
    /// <returns>One prediction per image, in order.</returns>
    public IReadOnlyList<OneShotPrediction> PredictBatch(IReadOnlyList<Tensor> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        EnsureSupport();
        if (images.Count == 0)
        {
            return [];
        }

        using var scope = NewDisposeScope();
        return PredictEmbeddings(EmbedImages(PreprocessAll(images, nameof(images)), cancellationToken));
    }

    /// <summary>Classifies precomputed query embeddings [Q, D].</summary>
    /// <param name="embeddings">Query embeddings made by this classifier's encoder.</param>
    /// <returns>One prediction per row.</returns>
    /// <exception cref="InvalidOperationException">The support set is empty.</exception>
    /// <exception cref="ArgumentException">The embeddings are not [Q, D] with the support's D.</exception>
    public IReadOnlyList<OneShotPrediction> PredictEmbeddings(Tensor embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        IReadOnlyList<SupportMatch>[] found;
        _supportLock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            found = _index.Search(embeddings, TopK);
        }
        finally
        {
            _supportLock.ExitReadLock();
        }

        double threshold = Volatile.Read(ref _threshold);
        var distance = Distance;
        return found.Select(candidates =>
        {
            var best = candidates[0];
            return new OneShotPrediction(best.Label, best.Distance, SimilarityOf(distance, best.Distance), best.Distance > threshold, candidates);
        }).ToArray();
    }

    /// <summary>Embeds decoded images with the classifier's preprocessing and encoder.</summary>
    /// <param name="images">Float images [C, H, W] in [0, 1].</param>
    /// <param name="cancellationToken">Cancels between encoder batches.</param>
    /// <returns>Embeddings [N, D] on the CPU.</returns>
    public Tensor Embed(IReadOnlyList<Tensor> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = NewDisposeScope();
        return EmbedImages(PreprocessAll(images, nameof(images)), cancellationToken).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Saves the encoder weights, the support embeddings and labels, the threshold, the preprocessing, the distance
    /// and the aggregation in one file, written to a temporary file and then moved into place (a crash never leaves
    /// a half-written model under <paramref name="path"/>).
    /// </summary>
    /// <param name="path">The file to write (conventionally <c>*.siamese</c>); replaced if it exists.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _supportLock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ClassifierFile.Write(path, this, _index);
        }
        finally
        {
            _supportLock.ExitReadLock();
        }
    }

    /// <summary>
    /// Loads a classifier saved by <see cref="Save"/>. TorchSharp cannot rebuild a network from a file, so the caller
    /// supplies an encoder of the same architecture (same type and constructor options); its weights are replaced by
    /// the saved ones after the architecture has been checked.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="encoder">A freshly constructed encoder of the saved architecture.</param>
    /// <param name="distance">
    /// The distance, needed only when the file was saved with a custom <see cref="IDistance"/> (its name must match);
    /// built-in distances are restored from the file.
    /// </param>
    /// <param name="decoder">Decoder for image files; <see cref="StbImageDecoder.Default"/> when null.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a classifier file, is of an unsupported format version, was saved from another architecture,
    /// or its support embeddings do not match the recorded embedding size.
    /// </exception>
    public static OneShotClassifier Load(
        string path,
        nn.Module<Tensor, Tensor> encoder,
        IDistance? distance = null,
        IImageDecoder? decoder = null,
        ILogger<OneShotClassifier>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(encoder);
        return ClassifierFile.Read(path, encoder, distance, decoder, logger);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _supportLock.EnterWriteLock();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _index.Dispose();
        }
        finally
        {
            _supportLock.ExitWriteLock();
        }

        _supportLock.Dispose();
    }

    internal static double? CheckThreshold(double? value, string name)
    {
        if (value is double v && (double.IsNaN(v) || v < 0))
        {
            throw new ArgumentOutOfRangeException(name, v, $"{name} is a distance and must be a non-negative number (got {v}).");
        }

        return value;
    }

    internal static double SimilarityOf(IDistance distance, double d) =>
        distance is CosineDistance ? 1 - d : 1 / (1 + d);

    private static void CheckEncoderInput(nn.Module<Tensor, Tensor> encoder, ImagePreprocessing preprocessing)
    {
        var inner = (encoder as SiameseNetwork)?.Encoder ?? encoder;
        if (inner is ImageEncoder image &&
            (image.InputChannels != preprocessing.Channels || image.InputHeight != preprocessing.Height || image.InputWidth != preprocessing.Width))
        {
            throw new ArgumentException(
                $"The encoder {image.GetName()} expects images [N, {image.InputChannels}, {image.InputHeight}, {image.InputWidth}] but the preprocessing " +
                $"produces [{preprocessing.Channels}, {preprocessing.Height}, {preprocessing.Width}]; use the preprocessing the encoder was trained with.",
                nameof(preprocessing));
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Added {Count} support embeddings to class {Label}")]
    private static partial void LogAdded(ILogger logger, long count, string label);

    private void EnsureSupport()
    {
        if (_index.Classes.Count == 0)
        {
            throw new InvalidOperationException("The support set is empty: add at least one class before predicting.");
        }
    }

    private Tensor LoadAll(IReadOnlyList<string> paths, string parameterName)
    {
        var tensors = new Tensor[paths.Count];
        for (int i = 0; i < paths.Count; i++)
        {
            if (string.IsNullOrEmpty(paths[i]))
            {
                throw new ArgumentException($"{parameterName}[{i}] is null or empty.", parameterName);
            }

            tensors[i] = Preprocessing.Load(paths[i], _decoder);
        }

        return stack(tensors, 0);
    }

    private Tensor PreprocessAll(IReadOnlyList<Tensor> images, string parameterName)
    {
        var tensors = new Tensor[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i] ?? throw new ArgumentException($"{parameterName}[{i}] is null.", parameterName);
            if (image.dim() != 3)
            {
                throw new ArgumentException(
                    $"{parameterName}[{i}] has shape [{string.Join(", ", image.shape)}]; expected one image [C, H, W] with values in [0, 1].", parameterName);
            }

            try
            {
                tensors[i] = Preprocessing.Apply(image);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"{parameterName}[{i}] cannot be preprocessed: {ex.Message}", parameterName, ex);
            }
        }

        return stack(tensors, 0);
    }

    private Tensor EmbedImages(Tensor batch, CancellationToken cancellationToken)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = _encoder.parameters().FirstOrDefault()?.device ?? CPU;
        long n = batch.shape[0];
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long count = Math.Min(BatchSize, n - start);
            var output = _encoder.call(batch.narrow(0, start, count).to(device));
            if (output.dim() != 2 || output.shape[0] != count)
            {
                throw new InvalidOperationException(
                    $"The encoder returned [{string.Join(", ", output.shape)}] for {count} images; it must return embeddings [N, D].");
            }

            parts.Add(output.to(float32).cpu());
        }

        return cat(parts, 0).MoveToOuterDisposeScope();
    }
}
