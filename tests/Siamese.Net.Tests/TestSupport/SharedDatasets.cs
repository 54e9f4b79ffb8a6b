namespace Siamese.Net.Tests.TestSupport;

/// <summary>
/// Locates the real datasets at <c>../shared/datasets</c> beside the repository (found by walking up from the test
/// binaries to <c>Siamese.Net.sln</c>), or at <c>SIAMESE_NET_DATASETS</c> when that variable is set. Absent on a fresh clone; tests that need them are skipped, not passed.
/// </summary>
public static class SharedDatasets
{
    private static readonly Lazy<string?> RootFolder = new(FindRoot);

    /// <summary>The datasets folder, or null when it is absent.</summary>
    public static string? Root => RootFolder.Value;

    /// <summary>Full path of a dataset folder or file, or null when absent.</summary>
    public static string? Find(string relative)
    {
        if (Root is null)
        {
            return null;
        }

        var path = Path.Combine(Root, relative);
        return Directory.Exists(path) || File.Exists(path) ? path : null;
    }

    private static string? FindRoot()
    {
        // A checkout elsewhere (e.g. a git worktree) can point at the datasets explicitly.
        var overridden = Environment.GetEnvironmentVariable("SIAMESE_NET_DATASETS");
        if (!string.IsNullOrEmpty(overridden))
        {
            return Directory.Exists(overridden) ? Path.GetFullPath(overridden) : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Siamese.Net.sln")))
            {
                var datasets = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "datasets"));
                return Directory.Exists(datasets) ? datasets : null;
            }
        }

        return null;
    }
}

/// <summary>A fact that xunit reports as skipped when the shared dataset it needs is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SharedDatasetFactAttribute : FactAttribute
{
    public SharedDatasetFactAttribute(string relativePath)
    {
        RelativePath = relativePath;
        if (SharedDatasets.Find(relativePath) is null)
        {
            Skip = $"Shared dataset '{relativePath}' not found at ../shared/datasets beside the repository (see shared/datasets/README.md for how to get it).";
        }
    }

    public string RelativePath { get; }
}
