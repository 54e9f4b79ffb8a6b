using System.Diagnostics;
using System.Globalization;
using Siamese.Net.Encoders;
using Siamese.Net.Losses;
using Siamese.Net.Training;
using static TorchSharp.torch;

namespace Siamese.Net.Benchmarks.Training;

/// <summary>
/// Process RSS while <see cref="SiameseTrainer"/> runs many steps of a small model (the tutorial's small CNN on 16
/// pairs of 1x28x28): a leak of even one tensor per step shows as steady growth. Prints RSS every 100 steps and the
/// growth after warm-up (from step 200 to the end). Usage: <c>rss [steps=2000]</c>.
/// </summary>
internal static class RssCommand
{
    public static int Run(string[] args)
    {
        int steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        random.manual_seed(1);
        using var network = new SiameseNetwork(new SmallCnn(new EncoderOptions { InputHeight = 28, InputWidth = 28, EmbeddingSize = 64 }));
        using var loss = new ContrastiveLoss();
        using var pairs = new InMemoryPairs(pairs: 16, channels: 1, height: 28, width: 28, batches: steps);
        var samples = new List<(long Step, long Rss)>();
        using var process = Process.GetCurrentProcess();
        var progress = new InlineProgress(p =>
        {
            process.Refresh();
            samples.Add((p.GlobalStep, process.WorkingSet64));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"step {p.GlobalStep,5}  rss {process.WorkingSet64 / 1048576.0,8:F1} MiB  managed {GC.GetTotalMemory(false) / 1048576.0,6:F1} MiB  live tensors {TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount}"));
        });

        var clock = Stopwatch.StartNew();
        new SiameseTrainer(new SiameseTrainerOptions { Epochs = 1, KeepBest = false, LogEverySteps = 100 })
            .Fit(network, loss, pairs, progress: progress);

        // glibc's allocator keeps growing its arenas for the first several hundred steps (its dynamic mmap threshold
        // moves freed tensor buffers into the heap); growth is therefore reported from step 200 and over the second half.
        var early = samples.First(s => s.Step >= 200);
        var half = samples.First(s => s.Step >= steps / 2);
        var end = samples[^1];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rss-growth {Growth(half, end):P2} over the second half (step {half.Step}: {half.Rss / 1048576.0:F1} MiB -> step {end.Step}: {end.Rss / 1048576.0:F1} MiB); " +
            $"{Growth(early, end):P2} from step {early.Step} ({early.Rss / 1048576.0:F1} MiB); {steps / clock.Elapsed.TotalSeconds:F0} steps/s"));
        return 0;
    }

    private static double Growth((long Step, long Rss) from, (long Step, long Rss) to) => (to.Rss - from.Rss) / (double)from.Rss;

    private sealed class InlineProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
