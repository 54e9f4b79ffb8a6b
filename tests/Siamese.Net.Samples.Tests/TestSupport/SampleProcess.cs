using System.Diagnostics;

namespace Siamese.Net.Samples.Tests.TestSupport;

/// <summary>Runs a sample's built program in a child process, as a user would, and captures what it prints.</summary>
internal static class SampleProcess
{
    /// <summary>Runs <c>{sample}.dll</c> from the test output folder with <paramref name="args"/> and waits for it.</summary>
    /// <param name="sample">The program's name, e.g. "FaceSimilarity".</param>
    /// <param name="args">Its command-line arguments.</param>
    /// <param name="workingDirectory">Its working directory; the test's when null.</param>
    /// <returns>The exit code, standard output and standard error.</returns>
    public static (int ExitCode, string Stdout, string Stderr) Run(string sample, IEnumerable<string> args, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, sample + ".dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        // Both pipes are drained at once: a child that fills one while the other is read would block.
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.GetAwaiter().GetResult());
    }

    /// <summary>The dotnet host running the tests (the CLI sets DOTNET_HOST_PATH for its children).</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
