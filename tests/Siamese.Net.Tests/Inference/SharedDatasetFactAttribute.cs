namespace Siamese.Net.Tests.Inference;

/// <summary>
/// A fact that needs a data set under /work/shared/datasets (or SIAMESE_NET_DATASETS): reported as skipped, not
/// passed, when the folder is absent.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SharedDatasetFactAttribute : FactAttribute
{
    public SharedDatasetFactAttribute(string dataset)
    {
        Path = System.IO.Path.Combine(Root, dataset);
        if (!Directory.Exists(Path))
        {
            Skip = $"Data set folder {Path} is absent.";
        }
    }

    public static string Root =>
        Environment.GetEnvironmentVariable("SIAMESE_NET_DATASETS") is { Length: > 0 } root ? root : "/work/shared/datasets";

    public string Path { get; }
}
