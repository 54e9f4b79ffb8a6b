namespace Siamese.Net.Tests;

/// <summary>
/// Tests that seed torch's process-wide random generator (dropout, weight init) and compare runs or training outcomes
/// exactly must not run while other test classes draw from the same generator: they share this collection, which runs
/// on its own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchRandomCollection
{
    public const string Name = "Torch global RNG";
}
