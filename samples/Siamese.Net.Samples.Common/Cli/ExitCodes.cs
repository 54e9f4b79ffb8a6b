namespace Siamese.Net.Samples.Common.Cli;

/// <summary>Process exit codes shared by the samples, so scripts can tell failures apart.</summary>
public static class ExitCodes
{
    /// <summary>Finished and printed its RESULT lines.</summary>
    public const int Success = 0;

    /// <summary>An unexpected error (the exception is printed).</summary>
    public const int Failure = 1;

    /// <summary>A data folder named on the command line is absent or not in the expected layout.</summary>
    public const int MissingData = 2;

    /// <summary>The command line could not be parsed or an option value is invalid (the usual EX_USAGE).</summary>
    public const int InvalidArguments = 64;

    /// <summary>Stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}
