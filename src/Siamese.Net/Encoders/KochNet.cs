using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Encoders;

/// <summary>
/// The Omniglot network of Koch, Zemel and Salakhutdinov (2015), "Siamese Neural Networks for One-shot Image
/// Recognition": Conv(C→64, k10) ReLU MaxPool(2); Conv(64→128, k7) ReLU MaxPool(2); Conv(128→128, k4) ReLU
/// MaxPool(2); Conv(128→256, k4) ReLU; flatten; Linear(F→D) Sigmoid.
/// </summary>
/// <remarks>
/// Defaults: 1x105x105 input (F = 9216), embedding 4096. Pair it with <see cref="Losses.BceHeadLoss"/> for the
/// paper's L1 + sigmoid verification head. Parameters are named like the widely used PyTorch port
/// (<c>conv.0</c>, <c>conv.3</c>, <c>conv.6</c>, <c>conv.9</c>, <c>liner.0</c>; its head <c>out</c> is
/// <see cref="Losses.BceHeadLoss"/>'s), so its weights load. About 39M parameters at 105x105.
/// </remarks>
public sealed class KochNet : ImageEncoder
{
    private readonly Sequential conv;
    private readonly Sequential liner;

    /// <summary>Creates the network with PyTorch's default initialisation.</summary>
    /// <param name="options">Input size, channels, embedding size (default 1x105x105 → 4096).</param>
    /// <exception cref="ArgumentException">The input is below 65x65.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public KochNet(EncoderOptions? options = null) : base(nameof(KochNet), options, 105, 105, 4096)
    {
        var (h, w) = EnsureFits(FeatureSide, nameof(options));
        FlattenSize = 256L * h * w;
        conv = nn.Sequential(
            nn.Conv2d(InputChannels, 64, 10),
            nn.ReLU(inplace: true),
            nn.MaxPool2d(2, stride: 2),
            nn.Conv2d(64, 128, 7),
            nn.ReLU(inplace: true),
            nn.MaxPool2d(2, stride: 2),
            nn.Conv2d(128, 128, 4),
            nn.ReLU(inplace: true),
            nn.MaxPool2d(2, stride: 2),
            nn.Conv2d(128, 256, 4),
            nn.ReLU(inplace: true));
        liner = nn.Sequential(nn.Linear(FlattenSize, EmbeddingSize), nn.Sigmoid());
        RegisterComponents();
    }

    /// <summary>Number of features entering the fully connected layer (9216 at 105x105).</summary>
    public long FlattenSize { get; }

    /// <inheritdoc />
    protected override Tensor Embed(Tensor images)
    {
        using var scope = NewDisposeScope();
        return liner.forward(conv.forward(images).flatten(1)).MoveToOuterDisposeScope();
    }

    private static int FeatureSide(int size)
    {
        size = ShapeArithmetic.Window(ShapeArithmetic.Window(size, 10), 2, 2);
        size = ShapeArithmetic.Window(ShapeArithmetic.Window(size, 7), 2, 2);
        size = ShapeArithmetic.Window(ShapeArithmetic.Window(size, 4), 2, 2);
        return ShapeArithmetic.Window(size, 4);
    }
}
