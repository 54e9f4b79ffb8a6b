using Siamese.Net.Data;
using Siamese.Net.Datasets;

namespace Siamese.Net.Samples.SignatureVerification;

/// <summary>
/// The sign_data pairs split by writer with <see cref="PairSplit.ByGroup"/>: training, validation (held-out training
/// writers, for keep-best and the threshold) and test (<c>test/</c> when present, otherwise held-out writers).
/// </summary>
internal sealed record SignatureData(PairSplitResult Split, IReadOnlyList<ImagePair> Test, string TestRoot, bool TestFromFolder)
{
    public IReadOnlyList<string> TrainWriters => Writers(Split.Training);

    public IReadOnlyList<string> TestWriters => Writers(Test);

    /// <summary>Reads the CSVs (target 1 = forgery = a different pair; header detected) and splits them by writer, seeded.</summary>
    public static SignatureData Load(string root, double validationFraction, double testFraction, int seed)
    {
        var csv = new PairCsvOptions(PairLabelConvention.OneMeansDifferent);
        var all = PairCsv.Read(Path.Combine(root, "train_data.csv"), Path.Combine(root, "train"), csv);
        (IReadOnlyList<ImagePair> test, string testRoot, bool fromFolder) = (all, Path.Combine(root, "test"), File.Exists(Path.Combine(root, "test_data.csv")));
        if (fromFolder)
        {
            test = PairCsv.Read(Path.Combine(root, "test_data.csv"), testRoot, csv);
        }
        else
        {
            // Test writers first, validation writers from the rest: no writer is in two splits.
            var held = PairSplit.ByGroup(all, WriterOf, testFraction, seed);
            (all, test, testRoot) = (held.Training, held.Validation, Path.Combine(root, "train"));
        }

        var data = new SignatureData(PairSplit.ByGroup(all, WriterOf, validationFraction, seed + 1), test, testRoot, fromFolder);
        if (data.Split.Validation.Select(p => p.Label).Distinct().Count() < 2 || test.Select(p => p.Label).Distinct().Count() < 2)
        {
            throw new InvalidOperationException("The validation and test writers need both genuine and forged pairs for a threshold, EER and AUC.");
        }

        return data;
    }

    /// <summary>The writer of a signature: its folder, a forgery folder NNN_forg counted as writer NNN.</summary>
    public static string WriterOf(string imagePath) =>
        Path.GetFileName(Path.GetDirectoryName(imagePath) ?? string.Empty) is var folder && folder.EndsWith("_forg", StringComparison.OrdinalIgnoreCase) ? folder[..^5] : folder;

    /// <summary>The training writers' folders as classes: NNN (genuine) and NNN_forg (the forgeries of NNN) are two classes.</summary>
    public ImageFolderDataset TrainFolders(string root)
    {
        var all = ImageFolderDataset.Load(Path.Combine(root, "train"));
        return all.WithClasses(TrainWriters.SelectMany(w => new[] { w, w + "_forg" }).Where(all.ClassNames.Contains));
    }

    private static List<string> Writers(IEnumerable<ImagePair> pairs) =>
        pairs.SelectMany(p => new[] { WriterOf(p.First), WriterOf(p.Second) }).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
