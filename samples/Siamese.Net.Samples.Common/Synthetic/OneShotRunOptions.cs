namespace Siamese.Net.Samples.Common.Synthetic;

/// <summary>How many one-shot runs to assemble and how.</summary>
public sealed record OneShotRunOptions
{
    /// <summary>Runs, written as <c>run01</c>, ... (Lake's benchmark has 20).</summary>
    public int Runs { get; init; } = 20;

    /// <summary>Classes per run: support images <c>classMM.png</c> and as many queries <c>itemKK.png</c> (Lake: 20).</summary>
    public int Ways { get; init; } = 20;

    /// <summary>
    /// Draw each run's classes from one alphabet (a class folder's parent), as Lake's within-alphabet runs do. When
    /// no alphabet has <see cref="Ways"/> classes, classes are drawn from all alphabets.
    /// </summary>
    public bool WithinAlphabet { get; init; } = true;

    /// <summary>Seed: the same seed, options and source tree give the same runs.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Throws when an option is out of range, naming it.</summary>
    public void Validate()
    {
        if (Runs is < 1 or > 99)
        {
            throw new ArgumentOutOfRangeException(nameof(Runs), Runs, "Runs must be 1..99 (two-digit run numbers).");
        }

        if (Ways is < 2 or > 99)
        {
            throw new ArgumentOutOfRangeException(nameof(Ways), Ways, "Ways must be 2..99 (two-digit class numbers).");
        }
    }
}
