using Siamese.Net.Embedding;

namespace Siamese.Net.Onnx.Export;

/// <summary>
/// The input shape of an export. The library's encoders know their own shape, so these are needed only for a plain
/// <c>Sequential</c>; a dimension left null becomes a named dynamic dimension of the ONNX input (the batch always is).
/// </summary>
public sealed record OnnxExportOptions
{
    private readonly int? _channels;
    private readonly int? _height;
    private readonly int? _width;
    private readonly TestTimeAugmentation _testTimeAugmentation = TestTimeAugmentation.None;

    /// <summary>Image channels C of the input [N, C, H, W]; null takes the encoder's or leaves it dynamic.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int? InputChannels
    {
        get => _channels;
        init => _channels = Check(value, nameof(InputChannels));
    }

    /// <summary>Image height H; null takes the encoder's or leaves it dynamic.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int? InputHeight
    {
        get => _height;
        init => _height = Check(value, nameof(InputHeight));
    }

    /// <summary>Image width W; null takes the encoder's or leaves it dynamic.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int? InputWidth
    {
        get => _width;
        init => _width = Check(value, nameof(InputWidth));
    }

    /// <summary>
    /// When true, an L2 normalisation (x / max(‖x‖₂, 1e-12) over the embedding axis, as
    /// <c>nn.functional.normalize(x, p: 2, dim: 1)</c>) is appended to the exported graph. Use it for a
    /// <c>Sequential</c> whose embeddings were normalised outside the module during training. Default false.
    /// </summary>
    public bool AppendL2Normalization { get; init; }

    /// <summary>
    /// Test-time augmentation built into the graph (default <see cref="TestTimeAugmentation.None"/>): the graph embeds
    /// every view of each input image (a mirror image, or shifts with edge padding) and returns the mean of the views'
    /// embeddings, exactly as <see cref="Embedder"/> does with the same setting, so a deployed model needs no extra
    /// step. Each view costs one more pass through the encoder.
    /// </summary>
    /// <exception cref="ArgumentNullException">Null.</exception>
    public TestTimeAugmentation TestTimeAugmentation
    {
        get => _testTimeAugmentation;
        init => _testTimeAugmentation = value ?? throw new ArgumentNullException(nameof(TestTimeAugmentation), "TestTimeAugmentation must not be null; use TestTimeAugmentation.None.");
    }

    private static int? Check(int? value, string name) =>
        value is { } v && v < 1 ? throw new ArgumentOutOfRangeException(name, v, $"{name} must be at least 1, got {v}.") : value;
}
