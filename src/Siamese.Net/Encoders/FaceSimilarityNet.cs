using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Encoders;

/// <summary>
/// The network of the PyTorch face-similarity tutorial on the AT&amp;T faces: three blocks of ReflectionPad(1),
/// Conv(3x3; C→4, 4→8, 8→8), ReLU, BatchNorm; flatten; Linear(8·H·W→500) ReLU Linear(500→500) ReLU Linear(500→D).
/// </summary>
/// <remarks>
/// Defaults: 1x100x100 input, embedding 5, as in the tutorial. Parameters are named as its <c>state_dict</c>:
/// <c>cnn1.1</c>, <c>cnn1.3</c> (BatchNorm), <c>cnn1.5</c>, <c>cnn1.7</c>, <c>cnn1.9</c>, <c>cnn1.11</c>,
/// <c>fc1.0</c>, <c>fc1.2</c>, <c>fc1.4</c>. Cheap enough to train at full size on a CPU.
/// </remarks>
public sealed class FaceSimilarityNet : ImageEncoder
{
    private readonly Sequential cnn1;
    private readonly Sequential fc1;

    /// <summary>Creates the network with PyTorch's default initialisation.</summary>
    /// <param name="options">Input size, channels, embedding size (default 1x100x100 → 5).</param>
    /// <exception cref="ArgumentException">The input is below 2x2 (reflection padding needs 2 pixels).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public FaceSimilarityNet(EncoderOptions? options = null) : base(nameof(FaceSimilarityNet), options, 100, 100, 5)
    {
        // Reflection padding of 1 needs at least 2 pixels per side.
        EnsureFits(side => side - 1, nameof(options));
        FlattenSize = 8L * InputHeight * InputWidth;
        cnn1 = nn.Sequential(
            nn.ReflectionPad2d(1),
            nn.Conv2d(InputChannels, 4, 3),
            nn.ReLU(inplace: true),
            nn.BatchNorm2d(4),
            nn.ReflectionPad2d(1),
            nn.Conv2d(4, 8, 3),
            nn.ReLU(inplace: true),
            nn.BatchNorm2d(8),
            nn.ReflectionPad2d(1),
            nn.Conv2d(8, 8, 3),
            nn.ReLU(inplace: true),
            nn.BatchNorm2d(8));
        fc1 = nn.Sequential(
            nn.Linear(FlattenSize, 500),
            nn.ReLU(inplace: true),
            nn.Linear(500, 500),
            nn.ReLU(inplace: true),
            nn.Linear(500, EmbeddingSize));
        RegisterComponents();
    }

    /// <summary>Number of features entering the first fully connected layer (80000 at 100x100).</summary>
    public long FlattenSize { get; }

    /// <inheritdoc />
    protected override Tensor Embed(Tensor images)
    {
        using var scope = NewDisposeScope();
        return fc1.forward(cnn1.forward(images).flatten(1)).MoveToOuterDisposeScope();
    }
}
