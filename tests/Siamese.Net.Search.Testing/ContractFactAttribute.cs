using Xunit;
using Xunit.Sdk;

namespace Siamese.Net.Search.Testing;

/// <summary>A contract fact: skipped with the reason of the test class's <see cref="ContractSkipAttribute"/>, if any.</summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Siamese.Net.Search.Testing.ContractTestDiscoverer", "Siamese.Net.Search.Testing")]
public sealed class ContractFactAttribute : FactAttribute;
