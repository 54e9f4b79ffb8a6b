namespace Siamese.Net.Samples.Tests.TestSupport;

/// <summary>A fact that xunit reports as skipped when the shared dataset it needs is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class SharedDatasetFactAttribute : FactAttribute
{
    public SharedDatasetFactAttribute(string relativePath)
    {
        RelativePath = relativePath;
        if (SharedDatasets.Find(relativePath) is null)
        {
            Skip = $"Shared dataset '{relativePath}' not found at ../shared/datasets beside the repository or SIAMESE_NET_DATASETS (see shared/datasets/README.md).";
        }
    }

    public string RelativePath { get; }
}
