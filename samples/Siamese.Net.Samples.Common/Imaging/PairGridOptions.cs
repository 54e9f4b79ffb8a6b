namespace Siamese.Net.Samples.Common.Imaging;

/// <summary>Layout of a pair grid picture.</summary>
public sealed record PairGridOptions
{
    /// <summary>Height every picture is scaled to, keeping its aspect ratio.</summary>
    public int ImageHeight { get; init; } = 105;

    /// <summary>Pairs side by side in one row of the grid.</summary>
    public int Columns { get; init; } = 2;

    /// <summary>The word before the number, e.g. "distance" or the face tutorial's "dissimilarity".</summary>
    public string DistanceLabel { get; init; } = "distance";

    /// <summary>Optional title across the top.</summary>
    public string? Title { get; init; }

    /// <summary>Throws when an option is out of range, naming it.</summary>
    public void Validate()
    {
        if (ImageHeight is < 16 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(ImageHeight), ImageHeight, "ImageHeight must be 16..1024 pixels.");
        }

        if (Columns is < 1 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(Columns), Columns, "Columns must be 1..16.");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(DistanceLabel, nameof(DistanceLabel));
    }
}
