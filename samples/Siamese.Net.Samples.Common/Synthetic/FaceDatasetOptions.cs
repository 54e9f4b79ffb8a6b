namespace Siamese.Net.Samples.Common.Synthetic;

/// <summary>Size and seed of a synthetic face set in the AT&amp;T (ORL) layout.</summary>
public sealed record FaceDatasetOptions
{
    /// <summary>Subjects, written as folders <c>s1</c> ... <c>sN</c> (AT&amp;T has 40).</summary>
    public int Subjects { get; init; } = 40;

    /// <summary>Images per subject, written as <c>1.pgm</c> ... (AT&amp;T has 10).</summary>
    public int ImagesPerSubject { get; init; } = 10;

    /// <summary>Seed: the same seed and options give byte-identical files.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Throws when an option is out of range, naming it.</summary>
    public void Validate()
    {
        if (Subjects < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Subjects), Subjects, "Subjects must be at least 1.");
        }

        if (ImagesPerSubject < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(ImagesPerSubject), ImagesPerSubject, "ImagesPerSubject must be at least 2 to form same pairs.");
        }
    }
}
