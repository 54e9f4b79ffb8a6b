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
/// way: <c>name seconds_per_step</c> (median of the timed steps). Usage: <c>signet-step [steps=3]</c>.
/// </summary>
internal static class SigNetStepCommand
{
    public static int Run(string[] args)
    {
        int steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        Console.WriteLine($"# torch threads: {get_num_threads()}, steps timed: {steps} (+1 warm-up)");

        using var pairs = new InMemoryPairs(pairs: 32, channels: 1, height: 105, width: 105, batches: steps + 1);

        random.manual_seed(1);
        using (var network = new SiameseNetwork(new SigNet()))
        using (var loss = new ContrastiveLoss())
        using (var optimizer = HandWrittenLoop.Adam(network, loss))
        {
            var times = new List<double>();
            HandWrittenLoop.Steps(network, loss, optimizer, [pairs.Next()]);
            for (int i = 0; i < steps; i++)
            {
                var clock = Stopwatch.StartNew();
                HandWrittenLoop.Steps(network, loss, optimizer, [pairs.Next()]);
                times.Add(clock.Elapsed.TotalSeconds);
            }

            Print("torchsharp-hand", times);
        }

        random.manual_seed(1);
        using (var network = new SiameseNetwork(new SigNet()))
        using (var loss = new ContrastiveLoss())
        {
            // Step boundaries are timestamped through progress reports (one per step; a no-op sync on CPU).
            var stamps = new List<double>();
            var clock = Stopwatch.StartNew();
            var progress = new InlineProgress(_ => stamps.Add(clock.Elapsed.TotalSeconds));
            new SiameseTrainer(new SiameseTrainerOptions { Epochs = 1, KeepBest = false, LogEverySteps = 1 })
                .Fit(network, loss, pairs, progress: progress);
            var times = stamps.Zip(stamps.Skip(1), (a, b) => b - a).ToList();
            Print("torchsharp-fit", times);
        }

        return 0;
    }

    private static void Print(string name, List<double> seconds)
    {
        var sorted = seconds.Order().ToList();
        double median = sorted[sorted.Count / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name} {median:F4} (all: {string.Join(", ", seconds.Select(s => s.ToString("F3", CultureInfo.InvariantCulture)))})"));
    }

    private sealed class InlineProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
