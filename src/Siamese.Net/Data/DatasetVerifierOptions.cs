using Siamese.Net.Imaging;

namespace Siamese.Net.Data;

/// <summary>How <see cref="DatasetVerifier"/> checks a data set.</summary>
public sealed record DatasetVerifierOptions
{
    private readonly int _maxDegreeOfParallelism = Environment.ProcessorCount;

    /// <summary>
    /// The decoder every image must get through; <see cref="StbImageDecoder.Default"/> (integrity checks on) when null.
    /// Use the decoder training will use, so what passes here decodes there.
    /// </summary>
    public IImageDecoder? Decoder { get; init; }

    /// <summary>Images decoded at once (default <see cref="Environment.ProcessorCount"/>); each holds one decoded image in memory.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        init => _maxDegreeOfParallelism = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), value, "MaxDegreeOfParallelism must be at least 1.");
    }
}
