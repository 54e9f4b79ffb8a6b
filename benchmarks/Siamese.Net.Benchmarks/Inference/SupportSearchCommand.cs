using System.Diagnostics;
using System.Globalization;
using Siamese.Net.Distances;
using Siamese.Net.Inference;
using Siamese.Net.Search;
using static TorchSharp.torch;

namespace Siamese.Net.Benchmarks.Inference;

/// <summary>
/// Quick timing of <see cref="TensorSupportIndex.Search(Tensor, int)"/> without BenchmarkDotNet's long runs: 1,000 queries of
/// size 128 against 10k and 100k support embeddings, for one-shot (one embedding per class) and 5-shot supports with
/// nearest-sample and prototype aggregation, Euclidean and cosine, each with pure float32 ranking and with the bfloat16
/// candidate pass. Prints the median and minimum of the repetitions.
/// Usage: <c>support-search [repetitions=5]</c>.
/// </summary>
internal static class SupportSearchCommand
{
    public static int Run(string[] args)
    {
        int repetitions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        Console.WriteLine($"# torch threads: {get_num_threads()}, 1000 queries, D = 128, top-5, {repetitions} repetitions after 1 warm-up");
        foreach (int support in new[] { 10_000, 100_000 })
        {
            foreach (var (shots, aggregation, distance) in new[]
            {
                (1, KShotAggregation.NearestSample, "euclidean"),
                (1, KShotAggregation.NearestSample, "cosine"),
                (5, KShotAggregation.NearestSample, "euclidean"),
                (5, KShotAggregation.Prototype, "euclidean"),
            })
            {
                foreach (var precision in new ScalarType?[] { null, ScalarType.BFloat16 })
                {
                    var (index, queries) = Build(support, shots, 1000, aggregation, distance == "cosine" ? new CosineDistance() : null, precision);
                    using (index)
                    using (queries)
                    {
                        index.Search(queries, 5);
                        var seconds = new List<double>();
                        var process = Process.GetCurrentProcess();
                        var cpuBefore = process.TotalProcessorTime;
                        for (int i = 0; i < repetitions; i++)
                        {
                            var clock = Stopwatch.StartNew();
                            index.Search(queries, 5);
                            seconds.Add(clock.Elapsed.TotalSeconds);
                        }

                        process.Refresh();
                        double cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds / repetitions;
                        seconds.Sort();

                        // On a shared machine wall time depends on the neighbours; CPU time per search divided by the torch
                        // thread count estimates the wall time on an idle machine.
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"support={support} shots={shots} {aggregation} {distance} candidates={precision?.ToString() ?? "none"}: wall median {seconds[seconds.Count / 2]:F3} s, min {seconds[0]:F3} s; CPU {cpu:F3} s per search"));
                    }
                }
            }
        }

        return 0;
    }

    /// <summary>Builds an index of <paramref name="support"/> random embeddings in classes of <paramref name="shots"/>, and random queries.</summary>
    public static (TensorSupportIndex Index, Tensor Queries) Build(
        int support, int shots, int queries, KShotAggregation aggregation, IDistance? distance = null, ScalarType? candidatePrecision = null)
    {
        var generator = new Generator(42);
        var index = new TensorSupportIndex(distance, new TensorSupportIndexOptions { Aggregation = aggregation, CandidatePrecision = candidatePrecision });
        using (var embeddings = randn(support, 128, generator: generator))
        {
            index.Add(Enumerable.Range(0, support).Select(row => $"class-{row / shots}").ToArray(), embeddings);
        }

        return (index, randn(queries, 128, generator: generator));
    }
}
