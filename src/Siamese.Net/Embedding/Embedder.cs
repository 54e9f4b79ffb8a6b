using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Encoders;
using Siamese.Net.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Embedding;

/// <summary>
/// The one embedding path: a trained network with the preprocessing it was trained with, a batch size and a device.
/// Trainer validation, episode evaluation, pair verification, the one-shot classifier and the samples all embed
/// through it (pytorch-metric-learning's <c>InferenceModel.get_embeddings</c> plays the same role).
/// </summary>
/// <remarks>
/// <para>
/// Every <c>Embed</c> runs the network in evaluation mode under <c>no_grad</c>, in chunks of
/// <see cref="EmbedderOptions.BatchSize"/> images, through <c>Module.call</c> (so forward hooks a user registered
/// fire), and puts the network back in the train/eval mode it had before. Embeddings come back as float32 on the CPU.
/// With <see cref="EmbedderOptions.TestTimeAugmentation"/>, each chunk runs once per view and the views' embeddings are
/// averaged.
/// </para>
/// <para>
/// Thread safety: concurrent <c>Embed</c> calls on one embedder are allowed (a web service); the first one switches
/// the network to evaluation mode and the last one restores its previous mode. Do not train the network meanwhile.
/// The embedder does not own the network (the caller disposes it), so it has nothing to dispose itself.
/// </para>
/// </remarks>
public sealed class Embedder
{
    private readonly object _modeGate = new();
    private readonly IImageDecoder _decoder;
    private int _active;
    private bool _restoreTraining;

    /// <summary>Creates an embedder.</summary>
    /// <param name="network">The network (images [N, C, H, W] to embeddings [N, D]), often a <see cref="SiameseNetwork"/>.</param>
    /// <param name="preprocessing">
    /// The preprocessing the network was trained with, applied to image files and decoded images; null when only
    /// already preprocessed batches are embedded (<see cref="EmbedPreprocessed"/>, e.g. episodes).
    /// </param>
    /// <param name="options">Batch size, device, decoder; defaults when null.</param>
    /// <param name="distance">The distance for a network that is not a <see cref="SiameseNetwork"/> (see <see cref="DistanceOf"/>).</param>
    /// <exception cref="ArgumentException">
    /// A built-in encoder expects another input size than the preprocessing produces, or <paramref name="distance"/>
    /// contradicts the Siamese network's own distance.
    /// </exception>
    public Embedder(nn.Module<Tensor, Tensor> network, ImagePreprocessing? preprocessing = null, EmbedderOptions? options = null, IDistance? distance = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (preprocessing is not null)
        {
            preprocessing.Validate();
            CheckEncoderInput(network, preprocessing);
        }

        if (network is SiameseNetwork siamese && distance is not null && distance.Name != siamese.Distance.Name)
        {
            throw new ArgumentException(
                $"distance is '{distance.Name}' but the Siamese network was built with '{siamese.Distance.Name}'; a model is scored with the distance it was trained with.",
                nameof(distance));
        }

        Network = network;
        Preprocessing = preprocessing;
        Options = options ?? new EmbedderOptions();
        Distance = DistanceOf(network, distance);
        _decoder = Options.Decoder ?? StbImageDecoder.Default;
    }

    /// <summary>The network (owned by the caller).</summary>
    public nn.Module<Tensor, Tensor> Network { get; }

    /// <summary>The preprocessing applied to image files and decoded images; null when the embedder takes preprocessed batches only.</summary>
    public ImagePreprocessing? Preprocessing { get; }

    /// <summary>The embedder's settings.</summary>
    public EmbedderOptions Options { get; }

    /// <summary>The distance the network's embeddings are compared with (<see cref="DistanceOf"/>).</summary>
    public IDistance Distance { get; }

    /// <summary>Images per forward pass.</summary>
    public int BatchSize => Options.BatchSize;

    /// <summary>The device the network runs on: <see cref="EmbedderOptions.Device"/>, else its first parameter's device, else the CPU.</summary>
    public Device Device => Options.Device ?? DeviceOf(Network);

    /// <summary>
    /// The one rule for "which distance does this model use": a <see cref="SiameseNetwork"/>'s own
    /// <see cref="SiameseNetwork.Distance"/>, else <paramref name="fallback"/>, else Euclidean. The trainer,
    /// the evaluators and the classifier all ask here.
    /// </summary>
    /// <param name="network">The model.</param>
    /// <param name="fallback">The distance to use for a model that does not carry one (e.g. the loss's).</param>
    /// <returns>The distance.</returns>
    public static IDistance DistanceOf(nn.Module network, IDistance? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        return (network as SiameseNetwork)?.Distance ?? fallback ?? new EuclideanDistance();
    }

    /// <summary>Embeds image files: each is decoded and preprocessed, one chunk of files at a time.</summary>
    /// <param name="paths">The image files.</param>
    /// <param name="cancellationToken">Cancels between chunks.</param>
    /// <returns>Float32 embeddings [paths.Count, D] on the CPU (the caller disposes them).</returns>
    /// <exception cref="InvalidOperationException">The embedder has no preprocessing, or the network does not return [N, D].</exception>
    /// <exception cref="ArgumentException">A path is null, empty, or there are no paths.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file cannot be decoded.</exception>
    public Tensor Embed(IReadOnlyList<string> paths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var preprocessing = RequirePreprocessing();
        for (int i = 0; i < paths.Count; i++)
        {
            if (string.IsNullOrEmpty(paths[i]))
            {
                throw new ArgumentException($"paths[{i}] is null or empty.", nameof(paths));
            }
        }

        return EmbedChunks(paths.Count, (start, count) => stack(Enumerable.Range(start, count).Select(i => preprocessing.Load(paths[i], _decoder)), 0), nameof(paths), cancellationToken);
    }

    /// <summary>Embeds decoded images: each goes through the preprocessing (resizing and converting as needed).</summary>
    /// <param name="images">Float images [C, H, W] with values in [0, 1], any size.</param>
    /// <param name="cancellationToken">Cancels between chunks.</param>
    /// <returns>Float32 embeddings [images.Count, D] on the CPU (the caller disposes them).</returns>
    /// <exception cref="InvalidOperationException">The embedder has no preprocessing, or the network does not return [N, D].</exception>
    /// <exception cref="ArgumentException">No images, a null image, or one the preprocessing rejects.</exception>
    public Tensor Embed(IReadOnlyList<Tensor> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        var preprocessing = RequirePreprocessing();
        return EmbedChunks(images.Count, (start, count) => stack(Enumerable.Range(start, count).Select(i => Preprocess(preprocessing, images, i)), 0), nameof(images), cancellationToken);
    }

    /// <summary>Embeds every image of a folder-per-class dataset, with its class id.</summary>
    /// <param name="dataset">The images.</param>
    /// <param name="cancellationToken">Cancels between chunks.</param>
    /// <returns>Embeddings in the dataset's image order with their class ids (the caller disposes them).</returns>
    /// <exception cref="InvalidOperationException">The embedder has no preprocessing.</exception>
    /// <exception cref="ArgumentException">The dataset has no images.</exception>
    public LabelledEmbeddings Embed(ImageFolderDataset dataset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var embeddings = Embed(dataset.Images.Select(i => i.Path).ToArray(), cancellationToken);
        var ids = tensor(dataset.Images.Select(i => (long)i.ClassId).ToArray());
        return new LabelledEmbeddings(embeddings, ids, dataset.ClassNames);
    }

    /// <summary>Embeds a batch that is already preprocessed (as data sources and episodes give it).</summary>
    /// <param name="images">Images [N, C, H, W] on any device.</param>
    /// <param name="cancellationToken">Cancels between chunks.</param>
    /// <returns>Float32 embeddings [N, D] on the CPU (the caller disposes them).</returns>
    /// <exception cref="ArgumentException">The batch is empty or not at least two-dimensional.</exception>
    /// <exception cref="InvalidOperationException">The network does not return [N, D].</exception>
    public Tensor EmbedPreprocessed(Tensor images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() < 2)
        {
            throw new ArgumentException($"images must be a batch [N, ...]; got shape [{Guard.Shape(images)}].", nameof(images));
        }

        return EmbedChunks(checked((int)images.shape[0]), (start, count) => images.narrow(0, start, count).alias(), nameof(images), cancellationToken);
    }

    private Tensor EmbedChunks(int n, Func<int, int, Tensor> chunk, string parameterName, CancellationToken cancellationToken)
    {
        if (n == 0)
        {
            throw new ArgumentException("There is nothing to embed (no images).", parameterName);
        }

        EnterEval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var device = Device;
            var augmentation = Options.TestTimeAugmentation;
            var parts = new List<Tensor>();
            for (int start = 0; start < n; start += BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(BatchSize, n - start);
                using var inner = NewDisposeScope();
                var input = chunk(start, count).to(device);
                if (augmentation.ViewCount > 1 && input.dim() != 4)
                {
                    throw new InvalidOperationException(
                        $"Test-time augmentation '{augmentation.Name}' needs image batches [N, C, H, W]; got [{Guard.Shape(input)}].");
                }

                Tensor? sum = null;
                for (int view = 0; view < augmentation.ViewCount; view++)
                {
                    var output = Network.call(augmentation.View(input, view));
                    if (output.dim() != 2 || output.shape[0] != count)
                    {
                        throw new InvalidOperationException(
                            $"The network returned [{Guard.Shape(output)}] for {count} images; it must return embeddings [N, D].");
                    }

                    var embedding = output.to(ScalarType.Float32);
                    sum = sum is null ? embedding : sum + embedding;
                }

                var mean = augmentation.ViewCount == 1 ? sum! : sum! / augmentation.ViewCount;
                parts.Add(mean.cpu().MoveToOuterDisposeScope());
            }

            return (parts.Count == 1 ? parts[0].contiguous() : cat(parts, 0)).MoveToOuterDisposeScope();
        }
        finally
        {
            ExitEval();
        }
    }

    private void EnterEval()
    {
        lock (_modeGate)
        {
            if (_active++ == 0)
            {
                _restoreTraining = Network.training;
                Network.eval();
            }
        }
    }

    private void ExitEval()
    {
        lock (_modeGate)
        {
            if (--_active == 0 && _restoreTraining)
            {
                Network.train();
            }
        }
    }

    private ImagePreprocessing RequirePreprocessing() => Preprocessing
        ?? throw new InvalidOperationException("This embedder was created without an ImagePreprocessing; it embeds preprocessed batches only (EmbedPreprocessed).");

    private static Tensor Preprocess(ImagePreprocessing preprocessing, IReadOnlyList<Tensor> images, int i)
    {
        var image = images[i];
        if (image is null)
        {
            throw new ArgumentException($"images[{i}] is null.", nameof(images));
        }

        if (image.dim() != 3)
        {
            throw new ArgumentException($"images[{i}] has shape [{Guard.Shape(image)}]; expected one image [C, H, W] with values in [0, 1].", nameof(images));
        }

        try
        {
            return preprocessing.Apply(image);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"images[{i}] cannot be preprocessed: {ex.Message}", nameof(images), ex);
        }
    }

    private static Device DeviceOf(nn.Module<Tensor, Tensor> network)
    {
        foreach (var parameter in network.parameters())
        {
            return parameter.device;
        }

        return CPU;
    }

    private static void CheckEncoderInput(nn.Module<Tensor, Tensor> network, ImagePreprocessing preprocessing)
    {
        var inner = (network as SiameseNetwork)?.Encoder ?? network;
        if (inner is ImageEncoder image &&
            (image.InputChannels != preprocessing.Channels || image.InputHeight != preprocessing.Height || image.InputWidth != preprocessing.Width))
        {
            throw new ArgumentException(
                $"The encoder {image.GetName()} expects images [N, {image.InputChannels}, {image.InputHeight}, {image.InputWidth}] but the preprocessing " +
                $"produces [{preprocessing.Channels}, {preprocessing.Height}, {preprocessing.Width}]; use the preprocessing the encoder was trained with.",
                nameof(preprocessing));
        }
    }
}
