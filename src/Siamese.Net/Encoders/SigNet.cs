using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Encoders;

/// <summary>
/// SigNet (Dey et al., 2017), the convolutional Siamese encoder for writer-independent offline signature verification,
/// as the signature tutorials write it in PyTorch.
/// </summary>
/// <remarks>
/// <para><see cref="SigNetVariant.LocalResponseNorm"/> (default): Conv(C→96, k11, s1) ReLU LRN(5, 1e-4, 0.75, 2)
/// MaxPool(3, s2); Conv(96→256, k5, p2) ReLU LRN MaxPool(3, s2) Dropout2d(0.3); Conv(256→384, k3, p1) ReLU;
/// Conv(384→256, k3, p1) ReLU MaxPool(3, s2) Dropout2d(0.3); flatten; Linear(F→1024) ReLU Dropout(0.5);
/// Linear(1024→D). Parameters are named as the tutorial's <c>state_dict</c>: <c>cnn1.0</c>, <c>cnn1.4</c>,
/// <c>cnn1.9</c>, <c>cnn1.11</c>, <c>fc1.0</c>, <c>fc1.3</c>. The tutorial's extra classifier head
/// (ReLU, Linear(128→2), key <c>fc1.5</c>) is not part of the encoder: its 128-d output is the embedding.</para>
/// <para><see cref="SigNetVariant.BatchNorm"/>: the same layers with each convolution followed by BatchNorm2d then
/// ReLU and no LRN, laid out (and named) as the second tutorial's nested blocks: <c>cnn1.0.0</c>/<c>cnn1.0.1</c>
/// (conv/bn), <c>cnn1.1.*</c>, <c>cnn1.2</c>/<c>cnn1.3</c>, <c>cnn1.5.*</c>, <c>fc1.0.0</c>, <c>fc1.2.0</c>.</para>
/// <para>Defaults: 1x105x105 input (the tutorials'; F = 30976), embedding 128. The paper's 155x220 input works by
/// setting <see cref="EncoderOptions.InputHeight"/>/<see cref="EncoderOptions.InputWidth"/>: F is computed from the
/// input size (108800 at 155x220). About 34M parameters at 105x105 (111M at 155x220); use a GPU or small batches
/// on a CPU.</para>
/// </remarks>
public sealed class SigNet : ImageEncoder
{
    private readonly Sequential cnn1;
    private readonly Sequential fc1;

    /// <summary>Creates SigNet with PyTorch's default initialisation.</summary>
    /// <param name="options">Input size, channels, embedding size (default 1x105x105 → 128).</param>
    /// <param name="variant">LRN (paper, first tutorial) or batch-norm (second tutorial) network.</param>
    /// <exception cref="ArgumentException">The input size is too small (below 25x25).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public SigNet(EncoderOptions? options = null, SigNetVariant variant = SigNetVariant.LocalResponseNorm)
        : base(nameof(SigNet), options, 105, 105, 128)
    {
        if (!Enum.IsDefined(variant))
        {
            throw new ArgumentOutOfRangeException(nameof(variant), variant, "Unknown SigNet variant.");
        }

        Variant = variant;
        var (h, w) = EnsureFits(FeatureSide, nameof(options));
        FlattenSize = 256L * h * w;

        if (variant == SigNetVariant.LocalResponseNorm)
        {
            cnn1 = nn.Sequential(
                nn.Conv2d(InputChannels, 96, 11, stride: 1),
                nn.ReLU(inplace: true),
                new FastLocalResponseNorm(5, 1e-4, 0.75, 2.0),
                nn.MaxPool2d(3, stride: 2),
                nn.Conv2d(96, 256, 5, stride: 1, padding: 2),
                nn.ReLU(inplace: true),
                new FastLocalResponseNorm(5, 1e-4, 0.75, 2.0),
                nn.MaxPool2d(3, stride: 2),
                nn.Dropout2d(0.3),
                nn.Conv2d(256, 384, 3, stride: 1, padding: 1),
                nn.ReLU(inplace: true),
                nn.Conv2d(384, 256, 3, stride: 1, padding: 1),
                nn.ReLU(inplace: true),
                nn.MaxPool2d(3, stride: 2),
                nn.Dropout2d(0.3));
            fc1 = nn.Sequential(
                nn.Linear(FlattenSize, 1024),
                nn.ReLU(inplace: true),
                nn.Dropout(0.5),
                nn.Linear(1024, EmbeddingSize));
        }
        else
        {
            cnn1 = nn.Sequential(
                nn.Sequential(nn.Conv2d(InputChannels, 96, 11, stride: 1), nn.BatchNorm2d(96), nn.ReLU(inplace: true), nn.MaxPool2d(3, stride: 2)),
                nn.Sequential(nn.Conv2d(96, 256, 5, stride: 1, padding: 2), nn.BatchNorm2d(256), nn.ReLU(inplace: true), nn.MaxPool2d(3, stride: 2), nn.Dropout2d(0.3)),
                nn.Conv2d(256, 384, 3, stride: 1, padding: 1),
                nn.BatchNorm2d(384),
                nn.ReLU(inplace: true),
                nn.Sequential(nn.Conv2d(384, 256, 3, stride: 1, padding: 1), nn.BatchNorm2d(256), nn.ReLU(inplace: true), nn.MaxPool2d(3, stride: 2), nn.Dropout2d(0.3)));
            fc1 = nn.Sequential(
                nn.Sequential(nn.Linear(FlattenSize, 1024), nn.ReLU(inplace: true)),
                nn.Dropout(0.5),
                nn.Sequential(nn.Linear(1024, EmbeddingSize)));
        }

        RegisterComponents();
    }

    /// <summary>The normalisation variant.</summary>
    public SigNetVariant Variant { get; }

    /// <summary>Number of features entering the first fully connected layer (30976 at 105x105).</summary>
    public long FlattenSize { get; }

    /// <inheritdoc />
    /// <remarks>
    /// From the first pooled feature map on, activations are laid out channels-last (NHWC strides behind the usual
    /// [N, C, H, W] shape): libtorch's oneDNN convolutions then skip their layout conversions, which made SigNet's
    /// CPU training step about twice as fast; LRN, ReLU, pooling and dropout keep the layout, and the flatten before
    /// the linear layers reads in [C, H, W] order as always, so the numbers are the same to float rounding.
    /// TorchSharp 0.107 has no <c>to(memory_format)</c>, hence the permute-copy-permute.
    /// </remarks>
    protected override Tensor Embed(Tensor images)
    {
        using var scope = NewDisposeScope();
        var features = images;
        int convertAfter = Variant == SigNetVariant.LocalResponseNorm ? 3 : 0;
        int index = 0;
        foreach (var layer in cnn1.children())
        {
            features = ((nn.Module<Tensor, Tensor>)layer).call(features);
            if (index++ == convertAfter)
            {
                features = ToChannelsLast(features);
            }
        }

        return fc1.forward(features.flatten(1)).MoveToOuterDisposeScope();
    }

    /// <summary>The same values in NHWC memory order, shape still [N, C, H, W].</summary>
    internal static Tensor ToChannelsLast(Tensor x)
    {
        using var nhwc = x.permute(0, 2, 3, 1);
        using var dense = nhwc.contiguous();
        return dense.permute(0, 3, 1, 2);
    }

    /// <summary>Spatial size after the convolutional part, along one axis.</summary>
    private static int FeatureSide(int size)
    {
        size = ShapeArithmetic.Window(size, 11);
        size = ShapeArithmetic.Window(size, 3, 2);
        size = ShapeArithmetic.Window(size, 5, 1, 2);
        size = ShapeArithmetic.Window(size, 3, 2);
        return ShapeArithmetic.Window(size, 3, 2);
    }
}
