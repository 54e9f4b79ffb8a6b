using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Siamese.Net.Native;
using static TorchSharp.torch;

namespace Siamese.Net.Benchmarks.SideBySide;

/// <summary>
/// Runs <see cref="Workloads"/> (one warm-up, then timed repetitions) and prints one line per workload, or with
/// <c>--json</c> one JSON object per line for benchmarks/pytorch/side_by_side.py.
/// Usage: <c>workloads [--json] [--only name,name] [--reps N]</c> (N replaces every workload's default count).
/// </summary>
internal static class WorkloadsCommand
{
    public static int Run(string[] args)
    {
        bool json = args.Contains("--json");
        string[]? only = Value(args, "--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries);
        int? reps = Value(args, "--reps") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : null;
        var settings = TorchRuntime.EnsureConfigured();
        var header = new Dictionary<string, object?>
        {
            ["kind"] = "header",
            ["threads"] = get_num_threads(),
            ["huge_pages"] = settings.HugePageAllocations,
            ["THP_MEM_ALLOC_ENABLE"] = Environment.GetEnvironmentVariable(TorchRuntime.HugePageVariable),
            ["cpu_bf16"] = TorchRuntime.CpuHasBFloat16,
            ["torchsharp"] = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(),
        };
        Console.WriteLine(json ? JsonSerializer.Serialize(header) : $"# {string.Join(", ", header.Select(kv => $"{kv.Key}={kv.Value}"))}");

        foreach (var (name, defaultReps) in Workloads.All.Concat(Workloads.Extra))
        {
            if (only is null ? Workloads.Extra.Any(e => e.Name == name) : !only.Contains(name))
            {
                continue;
            }

            var (run, state) = Workloads.Create(name);
            using (state)
            {
                run();
                var ms = new List<double>();
                for (int i = 0; i < (reps ?? defaultReps); i++)
                {
                    var clock = Stopwatch.StartNew();
                    run();
                    ms.Add(clock.Elapsed.TotalMilliseconds);
                }

                var sorted = ms.Order().ToList();
                double median = sorted[sorted.Count / 2];
                if (json)
                {
                    Console.WriteLine(JsonSerializer.Serialize(new { kind = "workload", name, ms = median, all = ms }));
                }
                else
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{name,-24} {median,10:F2} ms  (all: {string.Join(", ", ms.Select(m => m.ToString("F1", CultureInfo.InvariantCulture)))})"));
                }
            }

            GC.Collect();
        }

        return 0;
    }

    private static string? Value(string[] args, string option)
    {
        int i = Array.IndexOf(args, option);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
