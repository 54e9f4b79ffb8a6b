namespace Siamese.Net.Samples.Tests.TestSupport;

/// <summary>Where the repository is, seen from the test binaries.</summary>
internal static class Repository
{
    /// <summary>The folder holding <c>Siamese.Net.sln</c> above the test binaries; null outside a checkout.</summary>
    public static string? FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Siamese.Net.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
