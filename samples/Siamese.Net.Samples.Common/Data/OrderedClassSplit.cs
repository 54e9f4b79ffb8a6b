using System.Globalization;
using Siamese.Net.Data;

namespace Siamese.Net.Samples.Common.Data;

/// <summary>
/// Class-disjoint train / validation / test sets of a folder-per-class set (people, writers, characters), classes in
/// numeric order of their names (s1, s2, ..., s10, not s1, s10, s11): the test takes the last ones, validation the
/// ones before, training the rest (AT&amp;T faces with 10 test and 4 validation subjects: train s1-s26, validation
/// s27-s30, test s31-s40). A fixed, documented split, unlike a random one, names the same held-out people in every run.
/// </summary>
/// <param name="Train">Classes the network trains on.</param>
/// <param name="Validation">Held-out training classes: best epoch and threshold calibration.</param>
/// <param name="Test">Classes never seen in training or calibration.</param>
public sealed record OrderedClassSplit(ImageFolderDataset Train, ImageFolderDataset Validation, ImageFolderDataset Test)
{
    /// <summary>Splits <paramref name="faces"/> by class: the last <paramref name="testCount"/> are the test, the <paramref name="validationCount"/> before them validation.</summary>
    /// <param name="faces">The data set.</param>
    /// <param name="testCount">Test classes, at least 1.</param>
    /// <param name="validationCount">Validation classes, at least 1.</param>
    /// <param name="splitName">The split's name for the error message, e.g. "unseen".</param>
    /// <exception cref="InvalidOperationException">Too few classes (the message says how many are needed).</exception>
    public static OrderedClassSplit Create(ImageFolderDataset faces, int testCount, int validationCount, string splitName = "default")
    {
        ArgumentNullException.ThrowIfNull(faces);
        ArgumentOutOfRangeException.ThrowIfLessThan(testCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(validationCount, 1);
        int needed = testCount + validationCount + 2;
        if (faces.ClassCount < needed)
        {
            throw new InvalidOperationException($"{faces.Root} has {faces.ClassCount} subjects; the '{splitName}' split with " +
                $"{validationCount} validation subjects needs at least {needed} ({testCount} test, {validationCount} validation, 2 to train on).");
        }

        var ordered = Enumerable.Range(0, faces.ClassCount).OrderBy(c => SubjectNumber(faces.ClassNames[c])).ThenBy(c => faces.ClassNames[c], StringComparer.Ordinal).ToArray();
        int held = testCount + validationCount;
        ImageFolderDataset Subset(int[] classes) => faces.WithClasses(classes.Select(c => faces.ClassNames[c]));
        return new OrderedClassSplit(Subset(ordered[..^held]), Subset(ordered[^held..^testCount]), Subset(ordered[^testCount..]));
    }

    /// <summary>"s12" → 12; names without a number sort last.</summary>
    public static int SubjectNumber(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string digits = new([.. name.SkipWhile(c => !char.IsAsciiDigit(c)).TakeWhile(char.IsAsciiDigit)]);
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : int.MaxValue;
    }

    /// <summary>"s26-s30 (5 subjects)" (the first and last class names and the count).</summary>
    public static string Describe(ImageFolderDataset subjects) =>
        subjects.ClassCount == 1 ? subjects.ClassNames[0] : $"{subjects.ClassNames[0]}-{subjects.ClassNames[^1]} ({subjects.ClassCount} subjects)";
}
