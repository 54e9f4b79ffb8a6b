using System.Globalization;
using Siamese.Net.Data;

namespace FaceSimilarity;

/// <summary>
/// Subject-disjoint train / validation / test sets of a folder-per-subject face set. Subjects are ordered by their
/// number (s1, s2, ..., s10, not s1, s10, s11, ...); the test takes the last ones, validation the last training ones,
/// so on AT&amp;T the default is train s1-s25, validation s26-s30, test s31-s40.
/// </summary>
/// <param name="Train">Subjects the network trains on.</param>
/// <param name="Validation">Held-out training subjects: best epoch and threshold calibration, never the test.</param>
/// <param name="Test">Subjects never seen in training or calibration.</param>
public sealed record FaceSplit(ImageFolderDataset Train, ImageFolderDataset Validation, ImageFolderDataset Test)
{
    /// <summary>Test subjects of the default split (AT&amp;T s31-s40).</summary>
    public const int UnseenTestSubjects = 10;

    /// <summary>Test subjects of the tutorial's split (AT&amp;T s38-s40).</summary>
    public const int TutorialTestSubjects = 3;

    /// <summary>Splits <paramref name="faces"/> by subject.</summary>
    /// <exception cref="InvalidOperationException">Too few subjects for the split (the message says how many are needed).</exception>
    public static FaceSplit Create(ImageFolderDataset faces, FaceSplitKind kind, int validationSubjects)
    {
        ArgumentNullException.ThrowIfNull(faces);
        int testCount = kind == FaceSplitKind.Tutorial ? TutorialTestSubjects : UnseenTestSubjects;
        int needed = testCount + validationSubjects + 2;
        if (faces.ClassCount < needed)
        {
            throw new InvalidOperationException(
                $"{faces.Root} has {faces.ClassCount} subjects; the '{kind.ToString().ToLowerInvariant()}' split with " +
                $"{validationSubjects} validation subjects needs at least {needed} ({testCount} test, {validationSubjects} validation, 2 to train on).");
        }

        var ordered = Enumerable.Range(0, faces.ClassCount).OrderBy(c => SubjectNumber(faces.ClassNames[c])).ThenBy(c => faces.ClassNames[c], StringComparer.Ordinal).ToArray();
        var test = ordered[^testCount..];
        var validation = ordered[^(testCount + validationSubjects)..^testCount];
        var train = ordered[..^(testCount + validationSubjects)];
        return new FaceSplit(Subset(faces, train), Subset(faces, validation), Subset(faces, test));
    }

    /// <summary>"s12" → 12; names without a number sort after numbered ones.</summary>
    public static int SubjectNumber(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string digits = new(name.SkipWhile(c => !char.IsAsciiDigit(c)).TakeWhile(char.IsAsciiDigit).ToArray());
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : int.MaxValue;
    }

    /// <summary>"s26-s30" for a contiguous run of subjects, else the names joined.</summary>
    public static string Describe(ImageFolderDataset subjects)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        var names = subjects.ClassNames;
        return names.Count switch
        {
            0 => "none",
            1 => names[0],
            _ => $"{names[0]}-{names[^1]} ({names.Count} subjects)",
        };
    }

    private static ImageFolderDataset Subset(ImageFolderDataset faces, int[] classes)
    {
        var names = classes.Select(c => faces.ClassNames[c]).ToArray();
        var images = classes.SelectMany((c, newId) => faces.ImagesOfClass(c).Select(i => new LabelledImage(faces.Images[i].Path, newId))).ToArray();
        return ImageFolderDataset.FromImages(faces.Root, names, images);
    }
}
