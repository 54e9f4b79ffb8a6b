using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Siamese.Net.Data;
using Siamese.Net.Encoders;
using Siamese.Net.Losses;
using Siamese.Net.Training;
using static TorchSharp.torch;

namespace Siamese.Net.Benchmarks.Training;

/// <summary>
/// The Siamese.Net side of benchmarks/pytorch/omniglot_time_to_accuracy.py: the same prepared data (pixels, training
/// plan, held-out validation episodes), the same recipe (Conv-4 at 28x28, 60-way 1-shot 5-query prototypical episodes,
/// Adam 1e-3 halved every 2,000 episodes), trained through <see cref="SiameseTrainer.Fit"/> with one epoch per
/// evaluation interval and the trainer's own validation (N-way accuracy, nearest support). Training wall time
/// excludes validation, as on the PyTorch side. Prints one JSON line per evaluation and a final <c>result</c> line.
/// Usage: <c>omniglot-tta DIR [minutes=15] [eval-every=100] [threads=2] [float32|mixed] [seed=1]</c>.
/// </summary>
internal static class OmniglotTimeToAccuracyCommand
{
    private const int Side = 28;
    private const int TrainWays = 60;
    private const int ValWays = 20;
    private const int PerClass = 6;
    private static readonly double[] Levels = [0.85, 0.90, 0.93];

    public static int Run(string[] args)
    {
        string dir = args[0];
        double minutes = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 15;
        int evalEvery = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
        int threads = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2;
        var precision = (args.Length > 4 ? args[4] : "mixed") == "float32" ? TrainingPrecision.Float32 : TrainingPrecision.MixedBFloat16;
        int seed = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 1;
        if (2000 % evalEvery != 0)
        {
            throw new ArgumentException($"eval-every must divide 2000 (the learning-rate halving interval); got {evalEvery}.");
        }

        set_num_threads(threads);
        var bytes = File.ReadAllBytes(Path.Combine(dir, "images.u8"));
        using var images = tensor(bytes, [bytes.Length / (Side * Side), 1, Side, Side]);
        // All four rotations up front (image i*4+r), as on the PyTorch side.
        using var rotated = stack([images, images.rot90(1, (2, 3)), images.rot90(2, (2, 3)), images.rot90(3, (2, 3))], 1)
            .reshape(-1, 1, Side, Side).contiguous();
        var plan = ReadInts(Path.Combine(dir, "train_plan.i32"));
        var val = ReadInts(Path.Combine(dir, "val_episodes.i32"));
        var training = new PlanSource(rotated, plan, TrainWays, evalEvery);
        var validation = new PlanSource(rotated, val, ValWays, val.Length / (ValWays * PerClass));

        var clock = Stopwatch.StartNew();
        int n = Math.Min(100, training.TotalEpisodes);
        for (int i = 0; i < n; i++)
        {
            training.Episode(i).Dispose();
        }

        double pipeline = n * TrainWays * PerClass / clock.Elapsed.TotalSeconds;
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            side = "siamese.net",
            precision = precision.Name,
            threads = get_num_threads(),
            pipeline_images_per_s = Math.Round(pipeline),
        }));

        random.manual_seed(seed);
        using var network = new SiameseNetwork(new Conv4Encoder(new EncoderOptions { InputHeight = Side, InputWidth = Side }));
        using var loss = new PrototypicalLoss(shots: 1);
        var timer = new TrainingTimer(minutes * 60, evalEvery);
        var options = new SiameseTrainerOptions
        {
            Epochs = training.TotalEpisodes / evalEvery,
            Optimizer = KnownOptimizers.Adam(1e-3, weightDecay: 0),
            Precision = precision,
            Monitor = MetricKeys.ValidationNWayAccuracy,
            KeepBest = false,
            VerifyImages = false,
            LogEverySteps = 1000,
            Seed = seed,
            Callbacks = [new LearningRateScheduler(KnownSchedulers.Step(2000 / evalEvery, 0.5)), timer],
        };
        new SiameseTrainer(options).Fit(network, loss, training, validation);
        var history = timer.History;
        var reached = new Dictionary<string, object>();
        foreach (var level in Levels)
        {
            if (history.FirstOrDefault(h => h.Accuracy >= level) is { Episode: > 0 } hit)
            {
                reached[level.ToString("0.0#", CultureInfo.InvariantCulture)] = new { episode = hit.Episode, train_seconds = Math.Round(hit.Seconds, 2) };
            }
        }

        Console.WriteLine("result " + JsonSerializer.Serialize(new
        {
            side = "siamese.net",
            precision = precision.Name,
            reached,
            episodes = history[^1].Episode,
            train_seconds = Math.Round(history[^1].Seconds, 2),
            best = history.Max(h => h.Accuracy),
            pipeline_images_per_s = Math.Round(pipeline),
        }));
        return 0;
    }

    private static int[] ReadInts(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var ints = new int[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, ints, 0, bytes.Length);
        return ints;
    }

    /// <summary>Episodes of a plan (class-major, support first): one epoch is <c>perEpoch</c> consecutive episodes.</summary>
    private sealed class PlanSource(Tensor rotated, int[] plan, int ways, int perEpoch) : IBatchSource<ITrainingBatch>
    {
        private readonly int _episodeLength = ways * PerClass;

        public int TotalEpisodes => plan.Length / _episodeLength;

        public int BatchesPerEpoch => perEpoch;

        public IEnumerable<ITrainingBatch> ReadEpoch(int epoch, CancellationToken cancellationToken = default)
        {
            for (int i = 0; i < perEpoch; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return Episode((epoch * perEpoch) + i);
            }
        }

        public LabelledBatch Episode(int index)
        {
            using var scope = NewDisposeScope();
            var indices = tensor(plan.AsSpan(index * _episodeLength, _episodeLength).ToArray().Select(i => (long)i).ToArray());
            var images = rotated.index_select(0, indices).to(ScalarType.Float32).div_(255.0);
            var labels = arange(ways, dtype: ScalarType.Int64).repeat_interleave(PerClass);
            return new LabelledBatch(images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
        }
    }

    /// <summary>Training time without validation; stops the run at the budget or at the last level; prints each evaluation.</summary>
    private sealed class TrainingTimer(double budgetSeconds, int evalEvery) : ITrainerCallback
    {
        private readonly Stopwatch _training = new();

        public List<(int Episode, double Seconds, double Accuracy)> History { get; } = [];

        public void OnEpochStart(TrainerContext context) => _training.Start();

        public void OnValidationStart(TrainerContext context) => _training.Stop();

        public void OnValidationEnd(TrainerContext context, ValidationMetrics metrics)
        {
            double accuracy = metrics.NWayAccuracy ?? 0;
            int episode = (context.Epoch + 1) * evalEvery;
            History.Add((episode, _training.Elapsed.TotalSeconds, accuracy));
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                episode,
                train_seconds = Math.Round(_training.Elapsed.TotalSeconds, 2),
                val_accuracy = Math.Round(accuracy, 4),
                val_loss = Math.Round(metrics.Loss, 4),
            }));
            if (accuracy >= Levels[^1] || _training.Elapsed.TotalSeconds >= budgetSeconds)
            {
                context.StopTraining();
            }
        }
    }
}
