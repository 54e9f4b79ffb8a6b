namespace Siamese.Net.Data;

/// <summary>How <see cref="ImageFolderDataset"/> finds classes and images.</summary>
public sealed record ImageFolderOptions
{
    private readonly int _classDepth = 1;
    private readonly IReadOnlyList<string> _extensions = [".png", ".jpg", ".jpeg", ".bmp", ".pgm"];

    /// <summary>
    /// How many folder levels below the root name a class (default 1: <c>root/class/*.png</c>, AT&amp;T's <c>sN/K.pgm</c>).
    /// Omniglot needs 2 (<c>Alphabet/character/*.png</c>): the class is the character, named <c>Alphabet/character</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int ClassDepth
    {
        get => _classDepth;
        init => _classDepth = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(ClassDepth), value, "ClassDepth must be at least 1.");
    }

    /// <summary>File extensions counted as images, compared without regard to case (default .png .jpg .jpeg .bmp .pgm).</summary>
    /// <exception cref="ArgumentException">Empty.</exception>
    public IReadOnlyList<string> Extensions
    {
        get => _extensions;
        init => _extensions = value is { Count: > 0 }
            ? value.Select(e => e.StartsWith('.') ? e : "." + e).ToArray()
            : throw new ArgumentException("Extensions must list at least one extension.", nameof(Extensions));
    }
}
