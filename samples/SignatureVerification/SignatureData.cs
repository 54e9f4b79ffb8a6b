using Siamese.Net.Data;
using Siamese.Net.Datasets;

namespace Siamese.Net.Samples.SignatureVerification;

/// <summary>
/// The sign_data pairs split by writer: training, validation (held-out training writers, for keep-best and the
/// threshold) and test (test/ when present, otherwise held-out writers). No writer is in two splits.
/// </summary>
internal sealed record SignatureData(
    IReadOnlyList<ImagePair> Train,
    IReadOnlyList<ImagePair> Validation,
    IReadOnlyList<ImagePair> Test,
    IReadOnlyList<string> TrainWriters,
    IReadOnlyList<string> ValidationWriters,
    IReadOnlyList<string> TestWriters,
    string TestImageRoot,
    bool TestFromFolder)
{
    private const string ForgerySuffix = "_forg";

    /// <summary>Reads the CSVs and splits them by writer, seeded.</summary>
    public static SignatureData Load(string root, double validationFraction, double testFraction, int seed)
    {
        string trainRoot = Path.Combine(root, "train");
        string testRoot = Path.Combine(root, "test");
        // sign_data's target 1 marks a forgery, i.e. a different pair; the header is detected (train has one,
        // the Kaggle test_data.csv has none).
        var csv = new PairCsvOptions(PairLabelConvention.OneMeansDifferent);
        var all = PairCsv.Read(Path.Combine(root, "train_data.csv"), trainRoot, csv);
        bool testFromFolder = Directory.Exists(testRoot) && File.Exists(Path.Combine(root, "test_data.csv"));

        var writers = all.SelectMany(p => new[] { WriterOf(p.First), WriterOf(p.Second) })
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var shuffled = Shuffle(writers, seed);

        IReadOnlyList<ImagePair> test;
        List<string> testWriters;
        string testImageRoot;
        if (testFromFolder)
        {
            test = PairCsv.Read(Path.Combine(root, "test_data.csv"), testRoot, csv);
            testWriters = test.SelectMany(p => new[] { WriterOf(p.First), WriterOf(p.Second) })
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            testImageRoot = testRoot;
        }
        else
        {
            testWriters = shuffled.Take(HeldOut(shuffled.Count, testFraction, reserve: 2)).Order(StringComparer.Ordinal).ToList();
            test = Within(all, testWriters);
            testImageRoot = trainRoot;
        }

        // The validation writers come from what is left for training, never from the test writers.
        var remaining = shuffled.Where(w => !testWriters.Contains(w, StringComparer.Ordinal)).ToList();
        var validationWriters = remaining.Take(HeldOut(remaining.Count, validationFraction, reserve: 1)).Order(StringComparer.Ordinal).ToList();
        var trainWriters = remaining.Where(w => !validationWriters.Contains(w, StringComparer.Ordinal)).Order(StringComparer.Ordinal).ToList();

        var data = new SignatureData(Within(all, trainWriters), Within(all, validationWriters), test,
            trainWriters, validationWriters, testWriters, testImageRoot, testFromFolder);
        data.Check();
        return data;
    }

    /// <summary>The writer a signature belongs to: its folder, with a forgery folder NNN_forg counted as writer NNN.</summary>
    public static string WriterOf(string imagePath)
    {
        string folder = Path.GetFileName(Path.GetDirectoryName(imagePath)) ?? string.Empty;
        return folder.EndsWith(ForgerySuffix, StringComparison.OrdinalIgnoreCase) ? folder[..^ForgerySuffix.Length] : folder;
    }

    /// <summary>The training writers' genuine signatures and forgeries, from their folders under train/.</summary>
    public IReadOnlyList<WriterImages> TrainWriterImages(string root)
    {
        string trainRoot = Path.Combine(root, "train");
        return TrainWriters.Select(w => new WriterImages(w, GenuineImages(trainRoot, w), ForgeryImages(trainRoot, w))).ToList();
    }

    /// <summary>The genuine signature files of a writer (its folder NNN under <paramref name="imageRoot"/>).</summary>
    public static IReadOnlyList<string> GenuineImages(string imageRoot, string writer)
    {
        string folder = Path.Combine(imageRoot, writer);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder).Where(IsImage).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>The skilled forgeries of a writer's signature (its folder NNN_forg under <paramref name="imageRoot"/>).</summary>
    public static IReadOnlyList<string> ForgeryImages(string imageRoot, string writer) => GenuineImages(imageRoot, writer + ForgerySuffix);

    private static bool IsImage(string path) =>
        Path.GetExtension(path).ToUpperInvariant() is ".PNG" or ".JPG" or ".JPEG" or ".BMP" or ".PGM";

    private static List<ImagePair> Within(IReadOnlyList<ImagePair> pairs, IReadOnlyCollection<string> writers)
    {
        var set = new HashSet<string>(writers, StringComparer.Ordinal);
        return pairs.Where(p => set.Contains(WriterOf(p.First)) && set.Contains(WriterOf(p.Second))).ToList();
    }

    private static int HeldOut(int count, double fraction, int reserve) =>
        Math.Clamp((int)Math.Round(count * fraction, MidpointRounding.AwayFromZero), 1, Math.Max(1, count - reserve));

    private static List<string> Shuffle(List<string> writers, int seed)
    {
        var result = writers.ToList();
        // A seeded Random(int) is the same sequence on every .NET version and machine.
#pragma warning disable CA5394 // Not security: a reproducible split.
        var random = new Random(seed);
        for (int i = result.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (result[i], result[j]) = (result[j], result[i]);
        }
#pragma warning restore CA5394
        return result;
    }

    private void Check()
    {
        if (TrainWriters.Count == 0 || Train.Count == 0)
        {
            throw new InvalidOperationException("No training pairs are left after holding out validation and test writers.");
        }

        if (Validation.Count == 0 || Validation.All(p => p.Label == PairLabel.Same) || Validation.All(p => p.Label == PairLabel.Different))
        {
            throw new InvalidOperationException(
                $"The validation writers ({string.Join(", ", ValidationWriters)}) need both same and different pairs to calibrate a threshold.");
        }

        if (Test.Count == 0 || Test.All(p => p.Label == PairLabel.Same) || Test.All(p => p.Label == PairLabel.Different))
        {
            throw new InvalidOperationException("The test pairs need both same and different pairs to measure EER and AUC.");
        }
    }
}
