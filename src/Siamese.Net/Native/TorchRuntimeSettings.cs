namespace Siamese.Net.Native;

/// <summary>What <see cref="TorchRuntime.EnsureConfigured"/> found or set.</summary>
/// <param name="HugePageAllocations">True when libtorch will use huge-page-aligned CPU allocations (if it had not allocated yet).</param>
/// <param name="SetByLibrary">True when Siamese.Net set the huge-page switch; false when the environment already had a value or the platform has none.</param>
/// <param name="IntraOpThreadsSetTo">The intra-op thread count Siamese.Net chose (one per physical core), or null when it left libtorch's default or the user's <c>OMP_NUM_THREADS</c> alone.</param>
public sealed record TorchRuntimeSettings(bool HugePageAllocations, bool SetByLibrary, int? IntraOpThreadsSetTo);
