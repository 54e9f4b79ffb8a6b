using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Siamese.Net.Search.Testing;

/// <summary>
/// Discovers <see cref="ContractFactAttribute"/> and <see cref="ContractTheoryAttribute"/> tests. The attribute sits
/// on the shared base class, so only the discoverer, which sees the concrete test class, can tell whether that class's
/// engine is available (<see cref="ContractSkipAttribute"/>).
/// </summary>
public sealed class ContractTestDiscoverer : IXunitTestCaseDiscoverer
{
    private readonly IMessageSink _diagnostics;
    private readonly FactDiscoverer _facts;
    private readonly TheoryDiscoverer _theories;

    /// <summary>Creates the discoverer (xunit calls this).</summary>
    /// <param name="diagnosticMessageSink">xunit's diagnostic sink.</param>
    public ContractTestDiscoverer(IMessageSink diagnosticMessageSink)
    {
        _diagnostics = diagnosticMessageSink;
        _facts = new FactDiscoverer(diagnosticMessageSink);
        _theories = new TheoryDiscoverer(diagnosticMessageSink);
    }

    /// <inheritdoc />
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var testClass = testMethod.TestClass.Class.ToRuntimeType();
        string? reason = testClass?.GetCustomAttributes<ContractSkipAttribute>(inherit: true).Select(a => a.Reason).FirstOrDefault(r => r is not null);
        if (reason is not null)
        {
            return [new XunitSkippedDataRowTestCase(_diagnostics, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)];
        }

        return factAttribute is IReflectionAttributeInfo { Attribute: ContractTheoryAttribute }
            ? _theories.Discover(discoveryOptions, testMethod, factAttribute)
            : _facts.Discover(discoveryOptions, testMethod, factAttribute);
    }
}
