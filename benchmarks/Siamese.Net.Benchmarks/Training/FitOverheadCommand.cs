using System.Diagnostics;
using System.Globalization;
using Siamese.Net.Encoders;
using Siamese.Net.Losses;
using Siamese.Net.Training;
using static TorchSharp.torch;

namespace Siamese.Net.Benchmarks.Training;

/// <summary>
/// <see cref="FitOverheadBenchmarks"/>'s comparison for a shared, loaded machine: rounds alternate the hand-written
/// loop and <see cref="SiameseTrainer.Fit(nn.Module{Tensor, Tensor}, PairLoss, Data.IBatchSource{Data.PairBatch}, Data.IBatchSource{Data.PairBatch}?, IProgress{TrainingProgress}?, CancellationToken)"/>
/// (so load drifts hit both alike) and report the medians of wall time and of process CPU time (which waiting for
/// a core does not inflate). Usage: <c>fit-overhead [rounds=10] [steps=50] [threads=1]</c>.
/// </summary>
internal static class FitOverheadCommand
{
    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        int steps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
        int threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        set_num_threads(threads);

        random.manual_seed(1);
        using var network = new SiameseNetwork(new SmallCnn(new EncoderOptions { InputHeight = 28, InputWidth = 28, EmbeddingSize = 64 }));
        using var loss = new ContrastiveLoss();
        using var pairs = new InMemoryPairs(pairs: 16, channels: 1, height: 28, width: 28, batches: steps);
        using var optimizer = HandWrittenLoop.Adam(network, loss);
        var trainer = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 1, KeepBest = false, LogEverySteps = 20 });
        using var process = Process.GetCurrentProcess();

        // Warm-up: JIT, allocator, optimizer state.
        HandWrittenLoop.Steps(network, loss, optimizer, pairs.ReadEpoch(0));
        trainer.Fit(network, loss, pairs);

        var hand = new List<(double Wall, double Cpu)>();
        var fit = new List<(double Wall, double Cpu)>();
        for (int r = 0; r < rounds; r++)
        {
            bool handFirst = r % 2 == 0;
            if (handFirst)
            {
                hand.Add(Measure(process, () => HandWrittenLoop.Steps(network, loss, optimizer, pairs.ReadEpoch(0))));
            }

            fit.Add(Measure(process, () => trainer.Fit(network, loss, pairs)));
            if (!handFirst)
            {
                hand.Add(Measure(process, () => HandWrittenLoop.Steps(network, loss, optimizer, pairs.ReadEpoch(0))));
            }
        }

        double handWall = Median(hand.Select(h => h.Wall)), fitWall = Median(fit.Select(f => f.Wall));
        double handCpu = Median(hand.Select(h => h.Cpu)), fitCpu = Median(fit.Select(f => f.Cpu));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# {rounds} rounds of {steps} steps, torch threads {threads}, {Environment.ProcessorCount} cores"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hand-written wall {handWall * 1000 / steps:F2} ms/step  cpu {handCpu * 1000 / steps:F2} ms/step"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fit          wall {fitWall * 1000 / steps:F2} ms/step  cpu {fitCpu * 1000 / steps:F2} ms/step"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fit-overhead wall {(fitWall / handWall) - 1:+0.0%;-0.0%}  cpu {(fitCpu / handCpu) - 1:+0.0%;-0.0%}"));
        return 0;
    }

    private static (double Wall, double Cpu) Measure(Process process, Action action)
    {
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        action();
        clock.Stop();
        process.Refresh();
        return (clock.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
