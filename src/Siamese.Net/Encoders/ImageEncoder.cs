using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Encoders;

/// <summary>
/// Base of the built-in encoders: maps images [N, C, H, W] to embeddings [N, D], checks the input shape with a clear
/// message, and optionally L2-normalises the embeddings.
/// </summary>
/// <remarks>
/// Any <see cref="nn.Module{T, TResult}"/> of <see cref="Tensor"/> can serve as an encoder; this base only adds the
/// shape contract that the built-in networks share. Their fully connected layers are sized for one input size,
/// so an image of another size is rejected rather than silently resized.
/// </remarks>
public abstract class ImageEncoder : nn.Module<Tensor, Tensor>
{
    /// <summary>Resolves and validates the options.</summary>
    /// <param name="name">Module name, used in error messages.</param>
    /// <param name="options">User options (null for all defaults).</param>
    /// <param name="defaultHeight">Encoder's default input height.</param>
    /// <param name="defaultWidth">Encoder's default input width.</param>
    /// <param name="defaultEmbeddingSize">Encoder's default embedding dimension.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is not positive.</exception>
    protected ImageEncoder(string name, EncoderOptions? options, int defaultHeight, int defaultWidth, int defaultEmbeddingSize)
        : base(name)
    {
        options ??= new EncoderOptions();
        InputChannels = Positive(options.InputChannels, "options.InputChannels");
        InputHeight = Positive(options.InputHeight ?? defaultHeight, "options.InputHeight");
        InputWidth = Positive(options.InputWidth ?? defaultWidth, "options.InputWidth");
        EmbeddingSize = Positive(options.EmbeddingSize ?? defaultEmbeddingSize, "options.EmbeddingSize");
        NormalizeEmbeddings = options.NormalizeEmbeddings;
        Options = options with { InputHeight = InputHeight, InputWidth = InputWidth };
    }

    /// <summary>
    /// Registers the derived encoder's layers, then draws their initial weights from <see cref="EncoderOptions.Seed"/>
    /// when it is set (see there); every built-in encoder calls this last in its constructor.
    /// </summary>
    protected override void RegisterComponents()
    {
        base.RegisterComponents();
        if (Options.Seed is int seed)
        {
            SeededInitialisation.Apply(this, seed);
        }
    }

    /// <summary>
    /// The options this encoder was built with, input size resolved: building the same encoder type from them gives
    /// the same architecture (and state_dict layout), e.g. when a saved model is reloaded.
    /// </summary>
    public EncoderOptions Options { get; }

    /// <summary>Image channels C the encoder accepts.</summary>
    public int InputChannels { get; }

    /// <summary>Image height H the encoder accepts.</summary>
    public int InputHeight { get; }

    /// <summary>Image width W the encoder accepts.</summary>
    public int InputWidth { get; }

    /// <summary>Embedding dimension D.</summary>
    public int EmbeddingSize { get; }

    /// <summary>Whether embeddings are L2-normalised.</summary>
    public bool NormalizeEmbeddings { get; }

    /// <summary>Embeds a batch of images.</summary>
    /// <param name="input">Images [N, C, H, W] with C, H, W as configured.</param>
    /// <returns>Embeddings [N, D].</returns>
    /// <exception cref="ArgumentException">The input does not have the expected rank, channels or size.</exception>
    public sealed override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != InputChannels || input.shape[2] != InputHeight || input.shape[3] != InputWidth)
        {
            throw new ArgumentException(
                $"{GetName()} expects images [N, {InputChannels}, {InputHeight}, {InputWidth}], got [{string.Join(", ", input.shape)}].",
                nameof(input));
        }

        var embeddings = Embed(input);
        if (!NormalizeEmbeddings)
        {
            return embeddings;
        }

        using (embeddings)
        {
            return nn.functional.normalize(embeddings, p: 2, dim: 1);
        }
    }

    /// <summary>The network proper, called with an input whose shape has been checked.</summary>
    /// <param name="images">Images [N, C, H, W].</param>
    /// <returns>Embeddings [N, D] before the optional normalisation.</returns>
    protected abstract Tensor Embed(Tensor images);

    /// <summary>Throws when the configured input size leaves no pixel for a layer.</summary>
    /// <param name="featureSide">Spatial size after the encoder's layers as a function of the input side.</param>
    /// <param name="paramName">Name of the constructor's options parameter.</param>
    /// <returns>The feature map's (height, width).</returns>
    /// <exception cref="ArgumentException">The input size is too small.</exception>
    protected (int Height, int Width) EnsureFits(Func<int, int> featureSide, string paramName)
    {
        ArgumentNullException.ThrowIfNull(featureSide);
        int height = featureSide(InputHeight);
        int width = featureSide(InputWidth);
        if (height < 1 || width < 1)
        {
            int minimum = 1;
            while (featureSide(minimum) < 1)
            {
                minimum++;
            }

            throw new ArgumentException(
                $"{GetName()} needs images of at least {minimum}x{minimum} pixels; the options give [N, {InputChannels}, {InputHeight}, {InputWidth}].",
                paramName);
        }

        return (height, width);
    }

    private static int Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive, got {value}.");
        }

        return value;
    }
}
