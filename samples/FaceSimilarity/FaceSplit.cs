using System.Globalization;
using Siamese.Net.Data;

namespace FaceSimilarity;

/// <summary>
/// Subject-disjoint train / validation / test sets of a folder-per-subject face set, subjects in numeric order
/// (s1, s2, ..., s10): the test takes the last ones, validation the ones before (AT&amp;T default: train s1-s26,
/// validation s27-s30, test s31-s40).
/// </summary>
/// <param name="Train">Subjects the network trains on.</param>
/// <param name="Validation">Held-out training subjects: best epoch and threshold calibration.</param>
/// <param name="Test">Subjects never seen in training or calibration.</param>
public sealed record FaceSplit(ImageFolderDataset Train, ImageFolderDataset Validation, ImageFolderDataset Test)
{
    /// <summary>Splits <paramref name="faces"/> by subject; the test holds 3 subjects for the tutorial's split, else 10.</summary>
    /// <exception cref="InvalidOperationException">Too few subjects (the message says how many are needed).</exception>
    public static FaceSplit Create(ImageFolderDataset faces, bool tutorial, int validationSubjects)
    {
        ArgumentNullException.ThrowIfNull(faces);
        int testCount = tutorial ? 3 : 10;
        int needed = testCount + validationSubjects + 2;
        if (faces.ClassCount < needed)
        {
            throw new InvalidOperationException($"{faces.Root} has {faces.ClassCount} subjects; the '{(tutorial ? "tutorial" : "unseen")}' split with " +
                $"{validationSubjects} validation subjects needs at least {needed} ({testCount} test, {validationSubjects} validation, 2 to train on).");
        }

        var ordered = Enumerable.Range(0, faces.ClassCount).OrderBy(c => SubjectNumber(faces.ClassNames[c])).ThenBy(c => faces.ClassNames[c], StringComparer.Ordinal).ToArray();
        return new FaceSplit(Subset(faces, ordered[..^(testCount + validationSubjects)]), Subset(faces, ordered[^(testCount + validationSubjects)..^testCount]), Subset(faces, ordered[^testCount..]));
    }

    /// <summary>"s12" → 12; names without a number sort last.</summary>
    public static int SubjectNumber(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string digits = new([.. name.SkipWhile(c => !char.IsAsciiDigit(c)).TakeWhile(char.IsAsciiDigit)]);
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : int.MaxValue;
    }

    /// <summary>"s26-s30 (5 subjects)".</summary>
    public static string Describe(ImageFolderDataset subjects) =>
        subjects.ClassCount == 1 ? subjects.ClassNames[0] : $"{subjects.ClassNames[0]}-{subjects.ClassNames[^1]} ({subjects.ClassCount} subjects)";

    private static ImageFolderDataset Subset(ImageFolderDataset faces, int[] classes) => ImageFolderDataset.FromImages(faces.Root,
        [.. classes.Select(c => faces.ClassNames[c])], [.. classes.SelectMany((c, id) => faces.ImagesOfClass(c).Select(i => new LabelledImage(faces.Images[i].Path, id)))]);
}
