namespace Siamese.Net.Native;

/// <summary>What <see cref="TorchRuntime.EnsureConfigured"/> found or set.</summary>
/// <param name="HugePageAllocations">True when libtorch will use huge-page-aligned CPU allocations (if it had not allocated yet).</param>
/// <param name="SetByLibrary">True when Siamese.Net set the switch; false when the environment already had a value or the platform has none.</param>
public sealed record TorchRuntimeSettings(bool HugePageAllocations, bool SetByLibrary);
