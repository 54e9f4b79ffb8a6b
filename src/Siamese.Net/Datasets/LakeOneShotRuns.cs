using Siamese.Net.Data;
using System.Text.RegularExpressions;

namespace Siamese.Net.Datasets;

/// <summary>
/// Reads Lake et al.'s one-shot classification runs: <c>root/runNN/training/classMM.png</c> (support),
/// <c>root/runNN/test/itemKK.png</c> (queries) and <c>root/runNN/class_labels.txt</c>, whose lines
/// <c>runNN/test/itemKK.png runNN/training/classMM.png</c> give each query's class. Paths in the labels file are
/// relative to the root (as in Lake's release) or, failing that, to the run folder.
/// </summary>
public static partial class LakeOneShotRuns
{
    /// <summary>Loads every <c>runNN</c> folder under the root, in name order, validating each completely.</summary>
    /// <param name="root">The folder holding the run folders (Lake's <c>all_runs</c>).</param>
    /// <returns>The runs.</returns>
    /// <exception cref="DirectoryNotFoundException">The root does not exist.</exception>
    /// <exception cref="InvalidDataException">No run folder, or a run whose files or labels are missing or inconsistent.</exception>
    public static IReadOnlyList<OneShotRun> Load(string root)
    {
        var fullRoot = DatasetPaths.NormaliseRoot(root, nameof(root));
        var runFolders = Directory.GetDirectories(fullRoot)
            .Where(d => RunName().IsMatch(Path.GetFileName(d)))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (runFolders.Count == 0)
        {
            throw new InvalidDataException($"{fullRoot}: no run folders (runNN/training, runNN/test, runNN/class_labels.txt) found.");
        }

        return runFolders.Select(f => LoadRun(fullRoot, f)).ToArray();
    }

    private static OneShotRun LoadRun(string root, string runFolder)
    {
        string name = Path.GetFileName(runFolder);
        var support = ListImages(Path.Combine(runFolder, "training"), "class");
        var queries = ListImages(Path.Combine(runFolder, "test"), "item");
        var labelsFile = Path.Combine(runFolder, "class_labels.txt");
        if (!File.Exists(labelsFile))
        {
            throw new FileNotFoundException($"{runFolder}: class_labels.txt is missing.", labelsFile);
        }

        var supportIndex = support.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);
        var queryIndex = queries.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);
        var targets = new int?[queries.Count];
        int lineNumber = 0;
        foreach (var line in File.ReadLines(labelsFile))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string where = $"{labelsFile} line {lineNumber}";
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
            {
                throw new InvalidDataException($"{where}: expected 'test-image training-image', found \"{line}\".");
            }

            var query = ResolveListed(root, runFolder, parts[0], where + " column 1");
            var target = ResolveListed(root, runFolder, parts[1], where + " column 2");
            if (!queryIndex.TryGetValue(query, out int q))
            {
                throw new InvalidDataException($"{where} column 1: '{parts[0]}' is not an image in {name}/test.");
            }

            if (!supportIndex.TryGetValue(target, out int s))
            {
                throw new InvalidDataException($"{where} column 2: '{parts[1]}' is not an image in {name}/training.");
            }

            if (targets[q] is not null)
            {
                throw new InvalidDataException($"{where}: '{parts[0]}' is labelled twice.");
            }

            targets[q] = s;
        }

        int missing = Array.FindIndex(targets, t => t is null);
        if (missing >= 0)
        {
            throw new InvalidDataException($"{labelsFile}: query {queries[missing]} has no label line.");
        }

        return new OneShotRun(name, support, queries, targets.Select(t => t!.Value).ToArray());
    }

    private static string ResolveListed(string root, string runFolder, string listed, string where)
    {
        var fromRoot = DatasetPaths.Resolve(root, listed, allowOutsideRoot: false, where);
        if (File.Exists(fromRoot))
        {
            return fromRoot;
        }

        var fromRun = DatasetPaths.Resolve(root, Path.Combine(Path.GetFileName(runFolder), listed), allowOutsideRoot: false, where);
        if (File.Exists(fromRun))
        {
            return fromRun;
        }

        DatasetPaths.RequireFile(fromRoot, where);
        return fromRoot;
    }

    private static List<string> ListImages(string folder, string prefix)
    {
        if (!Directory.Exists(folder))
        {
            throw new InvalidDataException($"{folder}: folder missing.");
        }

        var files = Directory.GetFiles(folder)
            .Where(f => Path.GetFileName(f).StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new InvalidDataException($"{folder}: no {prefix}*.png images.");
        }

        return files;
    }

    [GeneratedRegex(@"^run\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex RunName();
}
