using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Siamese.Net.Native;

/// <summary>
/// Process-wide start-up settings for libtorch that must be in place before the first tensor exists.
/// </summary>
/// <remarks>
/// <para>
/// libtorch's CPU allocator hands out fresh pages for every large activation, and first-touching those pages
/// dominates CPU training time on many machines. Its own switch <c>THP_MEM_ALLOC_ENABLE=1</c> makes it allocate
/// 2 MiB-aligned buffers advised as transparent huge pages, which made a SigNet training step about 3x faster here
/// with bit-identical results. libtorch reads that variable once, natively, at its first allocation, and on Linux
/// .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not change the native environment
/// that <c>getenv</c> reads, so the variable is set through the C library.
/// </para>
/// <para>
/// The library calls <see cref="EnsureConfigured"/> when it is first used. Applications that create tensors
/// before touching any Siamese.Net type should call it first thing in <c>Main</c>. An explicit setting in the
/// environment (for example <c>THP_MEM_ALLOC_ENABLE=0</c>) is always respected.
/// </para>
/// </remarks>
public static class TorchRuntime
{
    /// <summary>The libtorch environment variable that enables huge-page-aligned CPU allocations.</summary>
    public const string HugePageVariable = "THP_MEM_ALLOC_ENABLE";

    /// <summary>The OpenMP variable that sets libtorch's intra-op thread count.</summary>
    public const string ThreadCountVariable = "OMP_NUM_THREADS";

    private static readonly Lazy<TorchRuntimeSettings> Applied = new(Apply, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Applies the start-up settings once per process (later calls return the first result) and reports what is
    /// in force. Cheap, thread-safe and idempotent.
    /// </summary>
    public static TorchRuntimeSettings EnsureConfigured() => Applied.Value;

#pragma warning disable CA2255 // A library module initializer is deliberate: the setting must precede libtorch's first allocation.
    [ModuleInitializer]
    internal static void OnModuleLoad() => EnsureConfigured();
#pragma warning restore CA2255

    /// <summary>
    /// True when this CPU has native bfloat16 arithmetic (AVX512-BF16 or AMX-BF16), where
    /// <see cref="NetworkPrecision.BFloat16"/> pays; false elsewhere or when the CPU flags cannot be read.
    /// </summary>
    public static bool CpuHasBFloat16 => CpuTopology.HasAnyFlag("avx512_bf16", "amx_bf16");

    private static TorchRuntimeSettings Apply()
    {
        if (!OperatingSystem.IsLinux())
        {
            // The switch only exists in libtorch's POSIX allocator and huge pages are a Linux feature.
            return new TorchRuntimeSettings(HugePageAllocations: false, SetByLibrary: false, IntraOpThreadsSetTo: null);
        }

        bool hugePages;
        bool setHugePages = false;
        string? existing = NativeEnvironment.Get(HugePageVariable);
        if (existing is not null)
        {
            hugePages = existing.Trim() == "1";
        }
        else
        {
            setHugePages = SetBoth(HugePageVariable, "1");
            hugePages = setHugePages;
        }

        // OpenMP starts one intra-op thread per logical CPU; on SMT machines two threads then share each core's
        // vector units, which slows convolutions down. Use one per physical core unless the user chose.
        int? threads = null;
        if (NativeEnvironment.Get(ThreadCountVariable) is null)
        {
            int physical = CpuTopology.PhysicalCoreCount();
            if (physical > 0 && physical < Environment.ProcessorCount
                && SetBoth(ThreadCountVariable, physical.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                threads = physical;
            }
        }

        return new TorchRuntimeSettings(hugePages, setHugePages, threads);
    }

    private static bool SetBoth(string name, string value)
    {
        if (!NativeEnvironment.Set(name, value))
        {
            return false;
        }

        // Keep the managed view in step, so that child processes and diagnostics see the same value.
        Environment.SetEnvironmentVariable(name, value);
        return true;
    }

    private static class NativeEnvironment
    {
        public static string? Get(string name)
        {
            IntPtr value = getenv(name);
            return value == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(value);
        }

        public static bool Set(string name, string value) => setenv(name, value, 0) == 0;

        [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
#pragma warning disable SA1300, IDE1006 // the C library's own names
        private static extern IntPtr getenv(string name);

        [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        private static extern int setenv(string name, string value, int overwrite);
#pragma warning restore SA1300, IDE1006
    }
}
