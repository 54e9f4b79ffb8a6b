using System.Globalization;
using System.Text;

namespace Siamese.Net.Samples.Common.Synthetic;

/// <summary>
/// Assembles one-shot runs in the layout of Lake et al.'s Omniglot benchmark from a folder-per-class tree (such as
/// <c>images_background</c>, or the output of <see cref="GlyphDatasetGenerator"/>):
/// <c>runNN/training/classMM.png</c> (one support image per class), <c>runNN/test/itemKK.png</c> (one query per
/// class, by a different drawer, in shuffled order) and <c>runNN/class_labels.txt</c> with lines
/// <c>runNN/test/itemKK.png runNN/training/classMM.png</c> (paths relative to the folder holding the runs).
/// </summary>
public static class OneShotRunBuilder
{
    /// <summary>Name of the answer file in every run folder.</summary>
    public const string LabelsFileName = "class_labels.txt";

    /// <summary>
    /// Writes <see cref="OneShotRunOptions.Runs"/> runs under <paramref name="runsRoot"/> from the classes found under
    /// <paramref name="classTreeRoot"/>: every folder directly holding at least two <c>.png</c> files is a class, and
    /// its parent folder is its alphabet.
    /// </summary>
    /// <returns>The run folders written, in order.</returns>
    public static IReadOnlyList<string> Build(string classTreeRoot, string runsRoot, OneShotRunOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(classTreeRoot);
        ArgumentException.ThrowIfNullOrWhiteSpace(runsRoot);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!Directory.Exists(classTreeRoot))
        {
            throw new DirectoryNotFoundException($"Class tree '{classTreeRoot}' does not exist.");
        }

        var classes = FindClasses(classTreeRoot);
        if (classes.Count < options.Ways)
        {
            throw new ArgumentException($"'{classTreeRoot}' holds {classes.Count} classes with at least two .png images; {options.Ways}-way runs need {options.Ways}.", nameof(classTreeRoot));
        }

        var alphabets = classes.GroupBy(c => c.Alphabet, StringComparer.Ordinal)
            .Where(g => g.Count() >= options.Ways)
            .Select(g => g.ToList())
            .ToList();
        bool withinAlphabet = options.WithinAlphabet && alphabets.Count > 0;
        var alphabetOrder = new List<int>();
        var written = new List<string>();
        for (int run = 1; run <= options.Runs; run++)
        {
            var random = DeterministicRandom.For(options.Seed, run);
            List<ClassFolder> pool;
            if (withinAlphabet)
            {
                // Cycle through the alphabets in a shuffled order so runs spread over all of them.
                if (alphabetOrder.Count == 0)
                {
                    alphabetOrder.AddRange(Enumerable.Range(0, alphabets.Count));
                    DeterministicRandom.For(options.Seed, 1000 + run).Shuffle(alphabetOrder);
                }

                pool = [.. alphabets[alphabetOrder[0]]];
                alphabetOrder.RemoveAt(0);
            }
            else
            {
                pool = [.. classes];
            }

            random.Shuffle(pool);
            written.Add(WriteRun(runsRoot, run, pool.Take(options.Ways).ToList(), random));
        }

        return written;
    }

    private static string WriteRun(string runsRoot, int run, List<ClassFolder> chosen, DeterministicRandom random)
    {
        string runName = "run" + run.ToString("D2", CultureInfo.InvariantCulture);
        string runFolder = Path.Combine(runsRoot, runName);
        if (Directory.Exists(runFolder))
        {
            Directory.Delete(runFolder, recursive: true);
        }

        Directory.CreateDirectory(Path.Combine(runFolder, "training"));
        Directory.CreateDirectory(Path.Combine(runFolder, "test"));
        var queryOrder = Enumerable.Range(0, chosen.Count).ToList();
        random.Shuffle(queryOrder);
        var supportNames = new string[chosen.Count];
        var queryImages = new string[chosen.Count];
        for (int c = 0; c < chosen.Count; c++)
        {
            // Support and query come from two different drawers of the same character.
            var images = chosen[c].Images;
            int support = random.NextInt(0, images.Count);
            int query = (support + random.NextInt(1, images.Count)) % images.Count;
            supportNames[c] = "class" + (c + 1).ToString("D2", CultureInfo.InvariantCulture) + ".png";
            File.Copy(images[support], Path.Combine(runFolder, "training", supportNames[c]), overwrite: true);
            queryImages[c] = images[query];
        }

        var labels = new StringBuilder();
        for (int k = 0; k < queryOrder.Count; k++)
        {
            int c = queryOrder[k];
            string item = "item" + (k + 1).ToString("D2", CultureInfo.InvariantCulture) + ".png";
            File.Copy(queryImages[c], Path.Combine(runFolder, "test", item), overwrite: true);
            labels.Append(runName).Append("/test/").Append(item).Append(' ')
                .Append(runName).Append("/training/").Append(supportNames[c]).Append('\n');
        }

        File.WriteAllText(Path.Combine(runFolder, LabelsFileName), labels.ToString(), new UTF8Encoding(false));
        return runFolder;
    }

    private static List<ClassFolder> FindClasses(string root)
    {
        var result = new List<ClassFolder>();
        foreach (string folder in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Prepend(root).Order(StringComparer.Ordinal))
        {
            var images = Directory.EnumerateFiles(folder)
                .Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (images.Count >= 2)
            {
                result.Add(new ClassFolder(Path.GetDirectoryName(Path.GetFullPath(folder)) ?? string.Empty, images));
            }
        }

        return result;
    }

    private sealed record ClassFolder(string Alphabet, List<string> Images);
}
