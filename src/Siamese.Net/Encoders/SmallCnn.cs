using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Encoders;

/// <summary>
/// The small CNN of the one-shot learning tutorial: Conv(C→32, k5) ReLU MaxPool(2); Conv(32→64, k5) ReLU MaxPool(2);
/// flatten; Linear(F→256) ReLU Linear(256→256) ReLU Linear(256→D).
/// </summary>
/// <remarks>
/// Defaults: 1x224x224 input (the tutorial's <c>64*53*53</c> flatten size), embedding 128; any input of at least
/// 16x16 works, F being computed from it. Parameters are named as the tutorial's <c>state_dict</c>:
/// <c>cnn.0</c>, <c>cnn.3</c>, <c>fc.0</c>, <c>fc.2</c>, <c>fc.4</c>.
/// </remarks>
public sealed class SmallCnn : ImageEncoder
{
    private readonly Sequential cnn;
    private readonly Sequential fc;

    /// <summary>Creates the network with PyTorch's default initialisation.</summary>
    /// <param name="options">Input size, channels, embedding size (default 1x224x224 → 128).</param>
    /// <exception cref="ArgumentException">The input size is below 16x16.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public SmallCnn(EncoderOptions? options = null) : base(nameof(SmallCnn), options, 224, 224, 128)
    {
        var (h, w) = EnsureFits(FeatureSide, nameof(options));
        FlattenSize = 64L * h * w;
        cnn = nn.Sequential(
            nn.Conv2d(InputChannels, 32, 5),
            nn.ReLU(inplace: true),
            nn.MaxPool2d(2, stride: 2),
            nn.Conv2d(32, 64, 5),
            nn.ReLU(inplace: true),
            nn.MaxPool2d(2, stride: 2));
        fc = nn.Sequential(
            nn.Linear(FlattenSize, 256),
            nn.ReLU(inplace: true),
            nn.Linear(256, 256),
            nn.ReLU(inplace: true),
            nn.Linear(256, EmbeddingSize));
        RegisterComponents();
    }

    /// <summary>Number of features entering the first fully connected layer (179776 at 224x224).</summary>
    public long FlattenSize { get; }

    /// <inheritdoc />
    protected override Tensor Embed(Tensor images)
    {
        using var scope = NewDisposeScope();
        return fc.forward(cnn.forward(images).flatten(1)).MoveToOuterDisposeScope();
    }

    private static int FeatureSide(int size) =>
        ShapeArithmetic.Window(ShapeArithmetic.Window(ShapeArithmetic.Window(ShapeArithmetic.Window(size, 5), 2, 2), 5), 2, 2);
}
