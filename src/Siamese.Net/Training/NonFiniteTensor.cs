namespace Siamese.Net.Training;

/// <summary>A tensor that holds NaN or infinity: which module, which tensor (its state-dict name) and what kind.</summary>
/// <param name="Module">The module's name as given to <see cref="ModuleHealth"/>.</param>
/// <param name="Name">The tensor's name in the module's state dict, e.g. <c>bn1.running_var</c>.</param>
/// <param name="Kind"><c>parameter</c>, <c>gradient</c> (of that parameter) or <c>buffer</c>.</param>
internal sealed record NonFiniteTensor(string Module, string Name, string Kind)
{
    /// <summary>E.g. <c>network.bn1.running_var (buffer)</c>.</summary>
    public override string ToString() => $"{Module}.{Name} ({Kind})";
}
