using System.Text.RegularExpressions;

namespace Siamese.Net.Samples.Common.Data;

/// <summary>
/// Checks that a data folder named on the command line has the published layout before any training starts, and
/// tells the user how to get the data when it does not. Without the option the samples use their generated default.
/// </summary>
public static partial class DatasetLocator
{
    /// <summary>
    /// Resolves a folder named by <paramref name="optionName"/>: null when the option was not given (use the
    /// embedded default), otherwise its full path after checking the layout of <paramref name="kind"/>.
    /// </summary>
    /// <exception cref="MissingDatasetException">The folder is absent or not in the layout.</exception>
    public static string? Resolve(DatasetKind kind, string? requested, string optionName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(optionName);
        if (string.IsNullOrWhiteSpace(requested))
        {
            return null;
        }

        string full = Path.GetFullPath(requested);
        string? problem = FindProblem(kind, full);
        if (problem is not null)
        {
            throw new MissingDatasetException(kind, full, problem, optionName);
        }

        return full;
    }

    /// <summary>
    /// Resolves the folder named by <paramref name="optionName"/>, or, when the option was not given, returns the
    /// folder that <paramref name="embedded"/> makes (generated data).
    /// </summary>
    public static DataLocation ResolveOrEmbedded(DatasetKind kind, string? requested, string optionName, Func<string> embedded)
    {
        ArgumentNullException.ThrowIfNull(embedded);
        string? real = Resolve(kind, requested, optionName);
        return real is not null ? new DataLocation(real, IsEmbedded: false) : new DataLocation(embedded(), IsEmbedded: true);
    }

    /// <summary>Null when <paramref name="path"/> has the layout of <paramref name="kind"/>, otherwise what is wrong.</summary>
    public static string? FindProblem(DatasetKind kind, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!Directory.Exists(path))
        {
            return File.Exists(path) ? "is a file, not a folder." : "does not exist.";
        }

        return kind switch
        {
            DatasetKind.Signatures => SignatureProblem(path),
            DatasetKind.AttFaces => FaceProblem(path),
            DatasetKind.OmniglotAlphabets => AlphabetProblem(path),
            DatasetKind.OmniglotRuns => RunsProblem(path),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown data set kind."),
        };
    }

    /// <summary>The expected layout and where to download the data set, for messages and <c>--help</c>.</summary>
    public static string HowToGet(DatasetKind kind, string optionName) => kind switch
    {
        DatasetKind.Signatures =>
            $"Expected the Kaggle 'sign_data' layout: train/NNN/*.png (genuine), train/NNN_forg/*.png (forgeries), train_data.csv " +
            "(header img1,img2,target; target 1 = forged pair, 0 = genuine pair) and, optionally, test/ with test_data.csv (no header).\n" +
            "Get it from Kaggle's 'Signature Verification Dataset' (ICDAR 2011 SigComp, Dutch), e.g.\n" +
            "  kaggle datasets download -d robinreni/signature-verification-dataset && unzip signature-verification-dataset.zip\n" +
            $"then pass {optionName} <path>/sign_data. Without {optionName} the sample uses its generated embedded set.",
        DatasetKind.AttFaces =>
            "Expected the AT&T (ORL) 'Database of Faces' layout: s1 ... s40, each with 1.pgm ... 10.pgm (binary PGM, 92x112).\n" +
            "Get the archive att_faces.zip (AT&T Laboratories Cambridge; free for research, credit the Olivetti Research " +
            "Laboratory), for example from its mirror on Kaggle ('AT&T Database of Faces'), unzip it\n" +
            $"and pass {optionName} <path>/att_faces. Without {optionName} the sample uses its generated embedded set.",
        DatasetKind.OmniglotAlphabets =>
            "Expected the Omniglot layout: Alphabet/characterNN/XXXX_YY.png (105x105).\n" +
            "Get images_background.zip from https://github.com/brendenlake/omniglot (folder python/), unzip it\n" +
            $"and pass {optionName} <path>/images_background. Without {optionName} the sample uses its generated embedded set.",
        DatasetKind.OmniglotRuns =>
            "Expected Lake's one-shot run layout: runNN/training/classMM.png, runNN/test/itemKK.png and runNN/class_labels.txt.\n" +
            "Get all_runs.zip from https://github.com/brendenlake/omniglot (python/one-shot-classification/), unzip it\n" +
            $"and pass {optionName} <path>/all_runs. Without {optionName} the sample evaluates on episodes from held-out classes.",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown data set kind."),
    };

    private static string? SignatureProblem(string path)
    {
        if (!Directory.Exists(Path.Combine(path, "train")))
        {
            return "has no train/ folder.";
        }

        if (!File.Exists(Path.Combine(path, "train_data.csv")))
        {
            return "has no train_data.csv.";
        }

        if (!Directory.EnumerateDirectories(Path.Combine(path, "train")).Any(d => WriterFolder().IsMatch(Path.GetFileName(d))))
        {
            return "train/ holds no writer folder (NNN or NNN_forg).";
        }

        if (Directory.Exists(Path.Combine(path, "test")) && !File.Exists(Path.Combine(path, "test_data.csv")))
        {
            return "has a test/ folder but no test_data.csv.";
        }

        return null;
    }

    private static string? FaceProblem(string path)
    {
        int subjects = Directory.EnumerateDirectories(path)
            .Count(d => SubjectFolder().IsMatch(Path.GetFileName(d)) && Directory.EnumerateFiles(d, "*.pgm").Any());
        return subjects >= 2 ? null : "holds fewer than two subject folders sN with .pgm images.";
    }

    private static string? AlphabetProblem(string path)
    {
        bool anyCharacter = Directory.EnumerateDirectories(path)
            .SelectMany(Directory.EnumerateDirectories)
            .Any(c => Directory.EnumerateFiles(c).Any(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase)));
        return anyCharacter ? null : "holds no Alphabet/character folder with .png images.";
    }

    private static string? RunsProblem(string path)
    {
        bool anyRun = Directory.EnumerateDirectories(path)
            .Any(r => RunFolder().IsMatch(Path.GetFileName(r)) && File.Exists(Path.Combine(r, "class_labels.txt")));
        return anyRun ? null : "holds no runNN folder with a class_labels.txt.";
    }

    [GeneratedRegex("^[0-9]{3}(_forg)?$", RegexOptions.CultureInvariant)]
    private static partial Regex WriterFolder();

    [GeneratedRegex("^s[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SubjectFolder();

    [GeneratedRegex("^run[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex RunFolder();
}
