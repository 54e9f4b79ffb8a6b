namespace Siamese.Net.Encoders;

/// <summary>
/// Options shared by the built-in encoders. Unset (null) values take the encoder's default, i.e. the size of the
/// tutorial or paper it reproduces (see each encoder).
/// </summary>
public sealed record EncoderOptions
{
    /// <summary>Image channels C (1 for grayscale, 3 for RGB); default 1.</summary>
    public int InputChannels { get; init; } = 1;

    /// <summary>Image height H; null for the encoder's default. The fully connected layers are sized from it.</summary>
    public int? InputHeight { get; init; }

    /// <summary>Image width W; null for the encoder's default.</summary>
    public int? InputWidth { get; init; }

    /// <summary>Embedding dimension D (the last layer's output); null for the encoder's default.</summary>
    public int? EmbeddingSize { get; init; }

    /// <summary>Divide each embedding by its L2 norm, so embeddings lie on the unit sphere; default false.</summary>
    public bool NormalizeEmbeddings { get; init; }

    /// <summary>
    /// Seed of the initial weights; default 42, so constructing the same encoder twice gives bit-identical weights
    /// (and a seeded training run repeats) without touching torch's global generator.
    /// </summary>
    /// <remarks>
    /// The weights are drawn from a private <c>torch.Generator</c> with PyTorch's default distributions
    /// (<c>Linear</c> and <c>Conv2d</c>: weight and bias uniform in ±1/sqrt(fan_in), which is
    /// <c>kaiming_uniform_(a = sqrt(5))</c>; batch norm: weight 1, bias 0), in the order of <c>named_modules()</c>, so
    /// other threads drawing from the global generator cannot change them. Use different seeds for the members of an
    /// ensemble. <c>null</c> keeps PyTorch's behaviour: weights come from the global generator
    /// (<c>torch.manual_seed</c>), which TorchSharp seeds differently in every process.
    /// </remarks>
    public int? Seed { get; init; } = 42;
}
