namespace Siamese.Net.Samples.Tests.TestSupport;

/// <summary>
/// Locates the real datasets at <c>../shared/datasets</c> beside the repository (found by walking up from the test
/// binaries to <c>Siamese.Net.sln</c>), or at <c>SIAMESE_NET_DATASETS</c> when that variable is set (the same
/// convention as the library's tests). Absent on a fresh clone: tests that need them are skipped, not passed.
/// </summary>
internal static class SharedDatasets
{
    private static readonly Lazy<string?> RootFolder = new(FindRoot);

    public static string? Root => RootFolder.Value;

    public static string? Find(string relative)
    {
        if (Root is null)
        {
            return null;
        }

        string path = Path.Combine(Root, relative);
        return Directory.Exists(path) || File.Exists(path) ? path : null;
    }

    public static string Require(string relative) =>
        Find(relative) ?? throw new InvalidOperationException($"Shared dataset '{relative}' vanished during the test run.");

    private static string? FindRoot()
    {
        string? overridden = Environment.GetEnvironmentVariable("SIAMESE_NET_DATASETS");
        if (!string.IsNullOrEmpty(overridden))
        {
            return Directory.Exists(overridden) ? Path.GetFullPath(overridden) : null;
        }

        if (Repository.FindRoot() is not { } repository)
        {
            return null;
        }

        string datasets = Path.GetFullPath(Path.Combine(repository, "..", "shared", "datasets"));
        return Directory.Exists(datasets) ? datasets : null;
    }
}
