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
}
