using System.Runtime.InteropServices;
using Siamese.Net.Native;
using TorchSharp;

namespace Siamese.Net.Tests.Native;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void The_huge_page_switch_is_visible_to_native_code()
    {
        var settings = TorchRuntime.EnsureConfigured();
        if (!OperatingSystem.IsLinux())
        {
            settings.HugePageAllocations.Should().BeFalse();
            return;
        }

        string? native = Marshal.PtrToStringUTF8(getenv(TorchRuntime.HugePageVariable));
        native.Should().NotBeNull("libtorch reads the switch with getenv, not through .NET's environment copy");
        settings.HugePageAllocations.Should().Be(native!.Trim() == "1");
        TorchRuntime.EnsureConfigured().Should().BeSameAs(settings, "the settings are applied once per process");
    }

    [Fact]
    public void Large_tensors_are_backed_by_transparent_huge_pages_when_the_kernel_allows_it()
    {
        if (!OperatingSystem.IsLinux() || !TorchRuntime.EnsureConfigured().HugePageAllocations)
        {
            return;
        }

        string mode = File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled");
        if (mode.Contains("[never]", StringComparison.Ordinal))
        {
            return;
        }

        long before = AnonHugePagesKiB();
        using var big = torch.ones(64L * 1024 * 1024 / sizeof(float));
        long after = AnonHugePagesKiB();

        (after - before).Should().BeGreaterThan(16 * 1024, "a 64 MiB tensor allocated with THP_MEM_ALLOC_ENABLE=1 is mostly huge pages");
    }

    [Fact]
    public void Physical_cores_are_counted_from_the_sysfs_topology()
    {
        string root = Directory.CreateTempSubdirectory("siamese-cpu-").FullName;
        try
        {
            // Two packages, two cores each, two hardware threads per core: 8 logical CPUs, 4 physical cores.
            int cpu = 0;
            foreach (string package in new[] { "0", "1" })
            {
                foreach (string core in new[] { "0", "1" })
                {
                    for (int thread = 0; thread < 2; thread++)
                    {
                        string topology = Directory.CreateDirectory(Path.Combine(root, $"cpu{cpu++}", "topology")).FullName;
                        File.WriteAllText(Path.Combine(topology, "core_id"), core + "\n");
                        File.WriteAllText(Path.Combine(topology, "physical_package_id"), package + "\n");
                    }
                }
            }

            Directory.CreateDirectory(Path.Combine(root, "cpufreq"));

            CpuTopology.PhysicalCoreCount(root).Should().Be(4);
            CpuTopology.PhysicalCoreCount(Path.Combine(root, "missing")).Should().Be(0);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static long AnonHugePagesKiB()
    {
        foreach (string line in File.ReadLines("/proc/self/smaps_rollup"))
        {
            if (line.StartsWith("AnonHugePages:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
#pragma warning disable SA1300, IDE1006 // the C library's own name
    private static extern IntPtr getenv(string name);
#pragma warning restore SA1300, IDE1006
}
