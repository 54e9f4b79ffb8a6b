using System.Runtime.CompilerServices;
using Siamese.Net.Native;

namespace Siamese.Net.Samples.Tests;

internal static class TestAssemblySetup
{
    // As the library's docs tell applications: configure libtorch before any test creates a tensor.
    [ModuleInitializer]
    internal static void ConfigureTorch() => TorchRuntime.EnsureConfigured();
}
