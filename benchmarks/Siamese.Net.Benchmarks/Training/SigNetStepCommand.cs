using System.Diagnostics;
using System.Globalization;
using Siamese.Net.Encoders;
using Siamese.Net.Losses;
using Siamese.Net.Training;
using static TorchSharp.torch;

namespace Siamese.Net.Benchmarks.Training;

/// <summary>
/// One SigNet training step (32 pairs of 1x105x105, contrastive loss, Adam lr 1e-3 wd 5e-4), timed through
/// <see cref="SiameseTrainer"/> and through the hand-written loop, after one warm-up step each. Prints one line per
/// way: <c>name wall_seconds_per_step cpu_seconds_per_step</c> (medians of the timed steps; process CPU time is not
/// inflated by waiting for a core on a shared machine). Usage: <c>signet-step [steps=3] [threads=1]</c>.
/// </summary>
internal static class SigNetStepCommand
{
    public static int Run(string[] args)
    {
        int steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        int threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
        set_num_threads(threads);
        Console.WriteLine($"# TorchSharp, torch threads: {get_num_threads()}, steps timed: {steps} (+1 warm-up)");
        using var process = Process.GetCurrentProcess();

        using var pairs = new InMemoryPairs(pairs: 32, channels: 1, height: 105, width: 105, batches: steps + 1);

        random.manual_seed(1);
        using (var network = new SiameseNetwork(new SigNet()))
        using (var loss = new ContrastiveLoss())
        using (var optimizer = HandWrittenLoop.Adam(network, loss))
        {
            var wall = new List<double>();
            var cpu = new List<double>();
            HandWrittenLoop.Steps(network, loss, optimizer, [pairs.Next()]);
            for (int i = 0; i < steps; i++)
            {
                var cpu0 = Cpu(process);
                var clock = Stopwatch.StartNew();
                HandWrittenLoop.Steps(network, loss, optimizer, [pairs.Next()]);
                wall.Add(clock.Elapsed.TotalSeconds);
                cpu.Add(Cpu(process) - cpu0);
            }

            Print("torchsharp-hand", wall, cpu);
        }

        random.manual_seed(1);
        using (var network = new SiameseNetwork(new SigNet()))
        using (var loss = new ContrastiveLoss())
        {
            // Step boundaries are timestamped through progress reports (one per step; a no-op sync on CPU).
            var stamps = new List<(double Wall, double Cpu)>();
            var clock = Stopwatch.StartNew();
            var progress = new InlineProgress(_ => stamps.Add((clock.Elapsed.TotalSeconds, Cpu(process))));
            new SiameseTrainer(new SiameseTrainerOptions { Epochs = 1, KeepBest = false, LogEverySteps = 1 })
                .Fit(network, loss, pairs, progress: progress);
            var wall = stamps.Zip(stamps.Skip(1), (a, b) => b.Wall - a.Wall).ToList();
            var cpu = stamps.Zip(stamps.Skip(1), (a, b) => b.Cpu - a.Cpu).ToList();
            Print("torchsharp-fit", wall, cpu);
        }

        return 0;
    }

    private static double Cpu(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime.TotalSeconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static void Print(string name, List<double> wall, List<double> cpu) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name} {Median(wall):F4} {Median(cpu):F4} (wall: {string.Join(", ", wall.Select(s => s.ToString("F3", CultureInfo.InvariantCulture)))})"));

    private sealed class InlineProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
