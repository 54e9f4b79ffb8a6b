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

        // Only mappings that the allocation added are counted: the process-wide total also moves with whatever
        // tests running in parallel allocate and free.
        var before = LargeMappings().Keys.ToHashSet();
        using var big = torch.ones(64L * 1024 * 1024 / sizeof(float));
        long added = LargeMappings().Where(m => !before.Contains(m.Key)).Sum(m => m.Value);

        added.Should().BeGreaterThan(16 * 1024, "a 64 MiB tensor allocated with THP_MEM_ALLOC_ENABLE=1 is mostly huge pages");
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

    /// <summary>AnonHugePages (KiB) of every mapping of at least 32 MiB, by its address range.</summary>
    private static Dictionary<string, long> LargeMappings()
    {
        var result = new Dictionary<string, long>();
        string? range = null;
        long sizeKiB = 0;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2)
            {
                continue;
            }

            if (parts[0].Contains('-', StringComparison.Ordinal) && !parts[0].EndsWith(':'))
            {
                range = parts[0];
            }
            else if (parts[0] == "Size:")
            {
                sizeKiB = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (parts[0] == "AnonHugePages:" && range is not null && sizeKiB >= 32 * 1024)
            {
                result[range] = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return result;
    }

    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
#pragma warning disable SA1300, IDE1006 // the C library's own name
    private static extern IntPtr getenv(string name);
#pragma warning restore SA1300, IDE1006
}
