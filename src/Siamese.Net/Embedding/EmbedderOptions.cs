using Siamese.Net.Imaging;
using static TorchSharp.torch;

namespace Siamese.Net.Embedding;

/// <summary>Settings of an <see cref="Embedder"/>. Values are checked when set.</summary>
public sealed record EmbedderOptions
{
    private readonly int _batchSize = 64;
    private readonly TestTimeAugmentation _testTimeAugmentation = TestTimeAugmentation.None;

    /// <summary>Images per forward pass (default 64); bounds the memory of one pass, not the result.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int BatchSize
    {
        get => _batchSize;
        init => _batchSize = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, $"BatchSize must be at least 1; got {value}.");
    }

    /// <summary>
    /// Where the network runs; null for the device of its first parameter (CPU for a parameterless module). Images are
    /// moved there, embeddings come back to the CPU as float32.
    /// </summary>
    public Device? Device { get; init; }

    /// <summary>Decoder for image files; <see cref="StbImageDecoder.Default"/> when null.</summary>
    public IImageDecoder? Decoder { get; init; }

    /// <summary>
    /// The views of each image whose embeddings are averaged (default <see cref="Embedding.TestTimeAugmentation.None"/>:
    /// the image alone). Applies to every <c>Embed</c> call, including already preprocessed batches.
    /// </summary>
    /// <exception cref="ArgumentNullException">Null.</exception>
    public TestTimeAugmentation TestTimeAugmentation
    {
        get => _testTimeAugmentation;
        init => _testTimeAugmentation = value ?? throw new ArgumentNullException(nameof(TestTimeAugmentation), "TestTimeAugmentation must not be null; use TestTimeAugmentation.None.");
    }
}
