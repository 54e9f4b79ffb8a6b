using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Encoders;

/// <summary>
/// A compact encoder of four blocks Conv(3x3, 64, padding 1) BatchNorm ReLU MaxPool(2), the "Conv-4" backbone of
/// few-shot learning (Vinyals et al. 2016; Snell et al. 2017), followed by an optional Linear projection. Trains
/// quickly on a CPU.
/// </summary>
/// <remarks>
/// Without <see cref="EncoderOptions.EmbeddingSize"/> the embedding is the flattened feature map,
/// 64·⌊H/16⌋·⌊W/16⌋ values (64 at 28x28, 2304 at 105x105); with it, a Linear layer (<c>fc</c>) projects to that size.
/// Default input 1x105x105 (Omniglot). Parameters are named like the Prototypical Networks code
/// (<c>encoder.0.0</c> conv, <c>encoder.0.1</c> BatchNorm, ... <c>encoder.3.*</c>).
/// </remarks>
public sealed class Conv4Encoder : ImageEncoder
{
    private const int Width = 64;

    private readonly Sequential encoder;
    private readonly Linear? fc;

    /// <summary>Creates the network with PyTorch's default initialisation.</summary>
    /// <param name="options">Input size, channels, optional projection size (default 1x105x105, no projection).</param>
    /// <exception cref="ArgumentException">The input is below 16x16.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public Conv4Encoder(EncoderOptions? options = null)
        : base(nameof(Conv4Encoder), options, 105, 105, FlattenedSize(options ?? new EncoderOptions(), 105, 105))
    {
        EnsureFits(side => side / 16, nameof(options));
        FlattenSize = (long)Width * (InputHeight / 16) * (InputWidth / 16);
        encoder = nn.Sequential(Block(InputChannels), Block(Width), Block(Width), Block(Width));
        if (options?.EmbeddingSize is not null)
        {
            fc = nn.Linear(FlattenSize, EmbeddingSize);
        }

        RegisterComponents();
    }

    /// <summary>Number of values of the flattened feature map.</summary>
    public long FlattenSize { get; }

    /// <inheritdoc />
    protected override Tensor Embed(Tensor images)
    {
        using var scope = NewDisposeScope();
        var features = encoder.forward(images).flatten(1);
        return (fc is null ? features : fc.forward(features)).MoveToOuterDisposeScope();
    }

    private static Sequential Block(int inChannels) => nn.Sequential(
        nn.Conv2d(inChannels, Width, 3, padding: 1),
        nn.BatchNorm2d(Width),
        nn.ReLU(inplace: true),
        nn.MaxPool2d(2, stride: 2));

    /// <summary>The default embedding size: the flattened map, at least 1 so that option checks report size errors.</summary>
    private static int FlattenedSize(EncoderOptions options, int defaultHeight, int defaultWidth) =>
        Math.Max(1, Width * ((options.InputHeight ?? defaultHeight) / 16) * ((options.InputWidth ?? defaultWidth) / 16));
}
