namespace Siamese.Net.Search.Testing;

/// <summary>
/// Put on a class derived from <see cref="SupportIndexContractTests"/> whose engine may be absent (a database server):
/// while <see cref="Reason"/> is not null every contract test of that class is reported as skipped with it, instead
/// of failing or passing without testing anything.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public abstract class ContractSkipAttribute : Attribute
{
    /// <summary>Why the contract tests cannot run here, or null when they can.</summary>
    public abstract string? Reason { get; }
}
