namespace Siamese.Net.Samples.Common.Synthetic;

/// <summary>
/// Size and seed of a synthetic signature set in the Kaggle <c>sign_data</c> layout. The defaults (many writers, few
/// pairs each: what writer-independent verification needs) are what samples/README.md measured: a small CNN reaches
/// an EER of about 0.2-0.28 on held-out writers in seconds per epoch.
/// </summary>
public sealed record SignatureDatasetOptions
{
    /// <summary>Writers in <c>train/</c> (numbered 001, 002, ...).</summary>
    public int TrainWriters { get; init; } = 40;

    /// <summary>
    /// Writers in <c>test/</c> with a header-less <c>test_data.csv</c>, numbered after the training writers, as in
    /// the full Kaggle download; 0 writes no test split (like the shared copy of the real data).
    /// </summary>
    public int TestWriters { get; init; }

    /// <summary>Genuine signatures per writer.</summary>
    public int GenuinePerWriter { get; init; } = 6;

    /// <summary>Forgers imitating each writer; each has a systematic style of his own.</summary>
    public int ForgersPerWriter { get; init; } = 2;

    /// <summary>Forgeries each forger makes of each writer's signature.</summary>
    public int ForgeriesPerForger { get; init; } = 3;

    /// <summary>Genuine partners per genuine anchor in the CSV (target 0, default 3); null pairs each anchor with every other genuine.</summary>
    public int? SamePairsPerAnchor { get; init; } = 3;

    /// <summary>Forged partners per genuine anchor in the CSV (target 1, default 3); null pairs each anchor with every forgery.</summary>
    public int? ForgedPairsPerAnchor { get; init; } = 3;

    /// <summary>Seed: the same seed and options give byte-identical files.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Throws when an option is out of range, naming it.</summary>
    public void Validate()
    {
        Positive(TrainWriters, nameof(TrainWriters));
        if (TestWriters < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TestWriters), TestWriters, "TestWriters must be 0 or more.");
        }

        if (TrainWriters + TestWriters > 999)
        {
            throw new ArgumentOutOfRangeException(nameof(TrainWriters), TrainWriters + TestWriters, "Writer numbers have three digits: at most 999 writers in all.");
        }

        if (GenuinePerWriter < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(GenuinePerWriter), GenuinePerWriter, "GenuinePerWriter must be at least 2 to form same pairs.");
        }

        Positive(ForgersPerWriter, nameof(ForgersPerWriter));
        Positive(ForgeriesPerForger, nameof(ForgeriesPerForger));
        if (SamePairsPerAnchor is int same)
        {
            Positive(same, nameof(SamePairsPerAnchor));
        }

        if (ForgedPairsPerAnchor is int forged)
        {
            Positive(forged, nameof(ForgedPairsPerAnchor));
        }
    }

    private static void Positive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1.");
        }
    }
}
