using System.Globalization;

namespace Siamese.Net.Native;

/// <summary>Counts physical cores from Linux's sysfs topology.</summary>
internal static class CpuTopology
{
    /// <summary>Distinct (package, core) pairs among the online CPUs; 0 when the topology cannot be read.</summary>
    public static int PhysicalCoreCount(string sysfsCpuRoot = "/sys/devices/system/cpu")
    {
        try
        {
            var cores = new HashSet<(string Package, string Core)>();
            foreach (string cpu in Directory.EnumerateDirectories(sysfsCpuRoot, "cpu*"))
            {
                string name = Path.GetFileName(cpu);
                if (!int.TryParse(name.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    continue;
                }

                string topology = Path.Combine(cpu, "topology");
                string coreFile = Path.Combine(topology, "core_id");
                if (!File.Exists(coreFile))
                {
                    continue;
                }

                string packageFile = Path.Combine(topology, "physical_package_id");
                string package = File.Exists(packageFile) ? File.ReadAllText(packageFile).Trim() : "0";
                cores.Add((package, File.ReadAllText(coreFile).Trim()));
            }

            return cores.Count;
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>True when the first "flags" line of /proc/cpuinfo lists one of the flags (Linux x86 only).</summary>
    public static bool HasAnyFlag(params string[] flags)
    {
        try
        {
            const string cpuInfo = "/proc/cpuinfo";
            if (!File.Exists(cpuInfo))
            {
                return false;
            }

            foreach (string line in File.ReadLines(cpuInfo))
            {
                if (line.StartsWith("flags", StringComparison.Ordinal))
                {
                    var present = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return flags.Any(present.Contains);
                }
            }

            return false;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
