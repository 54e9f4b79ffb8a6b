using System.Diagnostics;
using System.Globalization;
using Siamese.Net.Data;
using Siamese.Net.Encoders;
using Siamese.Net.Losses;
using Siamese.Net.Training;
using static TorchSharp.torch;

namespace Siamese.Net.Benchmarks.Training;

/// <summary>
/// Training steps through <see cref="SiameseTrainer.Fit"/> in float32 and in mixed precision
/// (<see cref="TrainingPrecision.MixedBFloat16"/>), interleaved round by round so that a shared machine's load falls
/// on both alike: SigNet (32 pairs of 1x105x105, contrastive, Adam 1e-3 wd 5e-4, as <c>signet-step</c>) and Conv-4
/// Omniglot (one 60-way 1-shot 5-query episode of 1x28x28, prototypical loss, Adam 1e-3). Each Fit runs
/// <c>steps + 1</c> steps; the first (warm-up) is not timed. Prints <c>name wall_s cpu_s</c> per workload (medians)
/// and the mixed/float32 ratios. Usage: <c>mixed-step [rounds=3] [threads=2] [steps=2] [signet|conv4|both]</c>.
/// </summary>
internal static class MixedPrecisionStepCommand
{
    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        int threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        int steps = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
        string which = args.Length > 3 ? args[3] : "both";
        set_num_threads(threads);
        Console.WriteLine($"# TorchSharp, torch threads: {get_num_threads()}, rounds: {rounds}, steps timed per Fit: {steps} (+1 warm-up), bf16 CPU: {Native.TorchRuntime.CpuHasBFloat16}");

        var results = new Dictionary<string, (List<double> Wall, List<double> Cpu)>();
        using var pairs = new InMemoryPairs(pairs: 32, channels: 1, height: 105, width: 105, batches: steps + 1);
        using var episodes = new InMemoryEpisodes(ways: 60, perClass: 6, side: 28, batches: steps + 1);
        for (int round = 0; round < rounds; round++)
        {
            foreach (var precision in new[] { TrainingPrecision.Float32, TrainingPrecision.MixedBFloat16 })
            {
                if (which is "both" or "signet")
                {
                    random.manual_seed(1);
                    using var network = new SiameseNetwork(new SigNet());
                    using var loss = new ContrastiveLoss();
                    Time($"signet-{precision.Name}", network, loss, pairs, precision, results);
                }

                if (which is "both" or "signet" && precision == TrainingPrecision.MixedBFloat16)
                {
                    // The cost of the masters: the same step with weights and Adam's state in bfloat16 (no master copy).
                    random.manual_seed(1);
                    using var network = new SiameseNetwork(new SigNet()).SetPrecision(NetworkPrecision.BFloat16);
                    using var loss = new ContrastiveLoss();
                    Time("signet-bf16-weights", network, loss, pairs, TrainingPrecision.Float32, results);
                }

                if (which is "both" or "conv4")
                {
                    random.manual_seed(1);
                    using var network = new SiameseNetwork(new Conv4Encoder(new EncoderOptions { InputHeight = 28, InputWidth = 28 }));
                    using var loss = new PrototypicalLoss(shots: 1);
                    Time($"conv4-{precision.Name}", network, loss, episodes, precision, results, weightDecay: 0);
                }
            }
        }

        foreach (var (name, (wall, cpu)) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name} {Median(wall):F4} {Median(cpu):F4} (wall: {string.Join(", ", wall.Select(s => s.ToString("F3", CultureInfo.InvariantCulture)))})"));
        }

        foreach (var model in new[] { "signet", "conv4" })
        {
            if (results.TryGetValue($"{model}-float32", out var fp32) && results.TryGetValue($"{model}-mixed-bfloat16", out var mixed))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"ratio {model} mixed/float32 wall {Median(mixed.Wall) / Median(fp32.Wall):F3} cpu {Median(mixed.Cpu) / Median(fp32.Cpu):F3}"));
            }

            if (results.TryGetValue($"{model}-bf16-weights", out var half) && results.TryGetValue($"{model}-mixed-bfloat16", out var mixedToo))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"ratio {model} mixed/bf16-weights wall {Median(mixedToo.Wall) / Median(half.Wall):F3} cpu {Median(mixedToo.Cpu) / Median(half.Cpu):F3}"));
            }
        }

        return 0;
    }

    private static void Time(
        string name, nn.Module<Tensor, Tensor> network, MetricLoss loss, IBatchSource<ITrainingBatch> source, TrainingPrecision precision,
        Dictionary<string, (List<double> Wall, List<double> Cpu)> results, double weightDecay = 5e-4)
    {
        using var process = Process.GetCurrentProcess();
        var stamps = new List<(double Wall, double Cpu)>();
        var clock = Stopwatch.StartNew();
        // Stamped at the end of every step by a callback (progress reports also come at epoch ends).
        var stamp = new StepStamps(() => stamps.Add((clock.Elapsed.TotalSeconds, Cpu(process))));
        var options = new SiameseTrainerOptions
        {
            Epochs = 1,
            KeepBest = false,
            LogEverySteps = 1,
            VerifyImages = false,
            Precision = precision,
            Optimizer = KnownOptimizers.Adam(1e-3, weightDecay),
            Callbacks = [stamp],
        };
        new SiameseTrainer(options).Fit(network, loss, source);
        if (!results.TryGetValue(name, out var lists))
        {
            lists = ([], []);
            results[name] = lists;
        }

        lists.Wall.AddRange(stamps.Zip(stamps.Skip(1), (a, b) => b.Wall - a.Wall));
        lists.Cpu.AddRange(stamps.Zip(stamps.Skip(1), (a, b) => b.Cpu - a.Cpu));
    }

    private static double Cpu(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime.TotalSeconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private sealed class StepStamps(Action stamp) : ITrainerCallback
    {
        public void OnBatchEnd(TrainerContext context, StepResult result) => stamp();
    }

    /// <summary>One random episode, <c>ways</c> classes of <c>perClass</c> images (the first is the support), copied per batch.</summary>
    private sealed class InMemoryEpisodes : IBatchSource<ITrainingBatch>, IDisposable
    {
        private readonly Tensor _images;
        private readonly Tensor _labels;

        public InMemoryEpisodes(int ways, int perClass, int side, int batches)
        {
            using var generator = new Generator(2);
            _images = rand([ways * perClass, 1, side, side], generator: generator);
            _labels = arange(ways, dtype: ScalarType.Int64).repeat_interleave(perClass);
            BatchesPerEpoch = batches;
        }

        public int BatchesPerEpoch { get; }

        public IEnumerable<ITrainingBatch> ReadEpoch(int epoch, CancellationToken cancellationToken = default)
        {
            for (int i = 0; i < BatchesPerEpoch; i++)
            {
                yield return new LabelledBatch(_images.clone(), _labels.clone());
            }
        }

        public void Dispose()
        {
            _images.Dispose();
            _labels.Dispose();
        }
    }
}
