namespace Siamese.Net.Samples.Common.Data;

/// <summary>
/// A data folder given on the command line is absent or not in the expected layout. Its message says what was
/// wrong, what layout is expected and how to get the data; <see cref="Cli.SampleHost"/> prints it and exits with
/// <see cref="Cli.ExitCodes.MissingData"/>.
/// </summary>
public sealed class MissingDatasetException : Exception
{
    /// <summary>Creates the exception for <paramref name="kind"/> at <paramref name="path"/>.</summary>
    public MissingDatasetException(DatasetKind kind, string path, string problem, string optionName)
        : base(BuildMessage(kind, path, problem, optionName))
    {
        Kind = kind;
        Path = path;
        Problem = problem;
        OptionName = optionName;
    }

    /// <summary>Not for use: the data set kind, path and problem are required.</summary>
    public MissingDatasetException()
        : this(DatasetKind.Signatures, string.Empty, "unknown", "--data")
    {
    }

    /// <summary>Not for use: the data set kind, path and problem are required.</summary>
    public MissingDatasetException(string message)
        : base(message)
    {
        Path = string.Empty;
        Problem = message;
        OptionName = string.Empty;
    }

    /// <summary>Not for use: the data set kind, path and problem are required.</summary>
    public MissingDatasetException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
        Problem = message;
        OptionName = string.Empty;
    }

    /// <summary>Which data set was expected.</summary>
    public DatasetKind Kind { get; }

    /// <summary>The full path that was checked.</summary>
    public string Path { get; }

    /// <summary>What is missing or wrong, in one sentence.</summary>
    public string Problem { get; }

    /// <summary>The command-line option that named the folder.</summary>
    public string OptionName { get; }

    private static string BuildMessage(DatasetKind kind, string path, string problem, string optionName) =>
        $"{optionName} '{path}': {problem}{Environment.NewLine}{DatasetLocator.HowToGet(kind, optionName)}";
}
