namespace Siamese.Net.Samples.Common.Synthetic;

/// <summary>Size and seed of a synthetic handwritten-character set in the Omniglot layout.</summary>
public sealed record GlyphDatasetOptions
{
    /// <summary>Alphabets (folders <c>Synthetic_Alphabet_01</c>, ...).</summary>
    public int Alphabets { get; init; } = 8;

    /// <summary>Characters per alphabet (folders <c>character01</c>, ...); Lake's 20-way runs need at least 20.</summary>
    public int CharactersPerAlphabet { get; init; } = 20;

    /// <summary>Drawers per character (files <c>XXXX_01.png</c>, ...; Omniglot has 20).</summary>
    public int Drawers { get; init; } = 12;

    /// <summary>Seed: the same seed and options give byte-identical files.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Throws when an option is out of range, naming it.</summary>
    public void Validate()
    {
        if (Alphabets < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Alphabets), Alphabets, "Alphabets must be at least 1.");
        }

        if (CharactersPerAlphabet is < 1 or > 99)
        {
            throw new ArgumentOutOfRangeException(nameof(CharactersPerAlphabet), CharactersPerAlphabet, "CharactersPerAlphabet must be 1..99 (two-digit folder numbers).");
        }

        if (Drawers is < 2 or > 99)
        {
            throw new ArgumentOutOfRangeException(nameof(Drawers), Drawers, "Drawers must be 2..99: one-shot needs a support and a query drawing.");
        }

        if (Alphabets * CharactersPerAlphabet > 9999)
        {
            throw new ArgumentOutOfRangeException(nameof(Alphabets), Alphabets * CharactersPerAlphabet, "File names carry a four-digit character number: at most 9999 characters.");
        }
    }
}
