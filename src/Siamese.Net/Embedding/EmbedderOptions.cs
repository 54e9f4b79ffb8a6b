using Siamese.Net.Imaging;
using static TorchSharp.torch;

namespace Siamese.Net.Embedding;

/// <summary>Settings of an <see cref="Embedder"/>. Values are checked when set.</summary>
public sealed record EmbedderOptions
{
    private readonly int _batchSize = 64;

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
}
