using Siamese.Net.Benchmarks.Inference;
using Siamese.Net.Benchmarks.Training;
using Siamese.Net.Encoders;
using Siamese.Net.Inference;
using Siamese.Net.Losses;
using Siamese.Net.Miners;
using Adam = TorchSharp.Modules.Adam;
using static TorchSharp.torch;

namespace Siamese.Net.Benchmarks.SideBySide;

/// <summary>
/// The workloads that benchmarks/pytorch/side_by_side.py also runs in PyTorch, with the same shapes and settings:
/// forward = eval mode, no grad, a batch of 64 images; step = train mode, 32 pairs (both sides in one forward),
/// contrastive loss (margin 2, Euclidean), Adam (lr 1e-3, weight decay 5e-4); losses = forward + backward on random
/// embeddings; search = 1,000 queries of D = 128 against one-shot supports, top 5, Euclidean.
/// </summary>
internal static class Workloads
{
    /// <summary>Every workload name, in run order, with its default repetition count.</summary>
    public static readonly (string Name, int Repetitions)[] All =
    [
        ("signet-forward", 3), ("signet-step", 2), ("signet-forward-bf16", 3), ("signet-step-bf16", 2),
        ("face-forward", 10), ("face-step", 10), ("smallcnn-forward", 10), ("smallcnn-step", 10),
        ("loss-contrastive", 50), ("loss-bce", 50), ("loss-triplet-batchhard", 50),
        ("search-10k", 5), ("search-100k", 3),
    ];

    /// <summary>Workloads run only when asked for by name (<c>--only</c>): the plain-TorchSharp SigNet baselines.</summary>
    public static readonly (string Name, int Repetitions)[] Extra = [("signet-forward-plain", 2), ("signet-step-plain", 1), ("signet-step-composite-lrn", 2),
        ("smallcnn-10-steps-hand", 5), ("smallcnn-10-steps-fit", 5)];

    /// <summary>Builds a workload: the returned action runs it once; disposing the state frees it.</summary>
    public static (Action Run, IDisposable State) Create(string name) => name switch
    {
        "signet-forward" => Forward(() => new SigNet(), 105, 105, NetworkPrecision.Float32),
        "signet-forward-bf16" => Forward(() => new SigNet(), 105, 105, NetworkPrecision.BFloat16),
        "signet-step" => Step(() => new SigNet(), 105, 105, NetworkPrecision.Float32),
        "signet-step-bf16" => Step(() => new SigNet(), 105, 105, NetworkPrecision.BFloat16),
        "signet-forward-plain" => Forward(() => new PlainSigNet(), 105, 105, NetworkPrecision.Float32),
        "signet-step-plain" => Step(() => new PlainSigNet(), 105, 105, NetworkPrecision.Float32),
        "signet-step-composite-lrn" => Step(() => new PlainSigNet(compositeLrn: true), 105, 105, NetworkPrecision.Float32),
        "smallcnn-10-steps-hand" => TenSteps(fit: false),
        "smallcnn-10-steps-fit" => TenSteps(fit: true),
        "face-forward" => Forward(() => new FaceSimilarityNet(), 100, 100, NetworkPrecision.Float32),
        "face-step" => Step(() => new FaceSimilarityNet(), 100, 100, NetworkPrecision.Float32),
        "smallcnn-forward" => Forward(SmallCnn105, 105, 105, NetworkPrecision.Float32),
        "smallcnn-step" => Step(SmallCnn105, 105, 105, NetworkPrecision.Float32),
        "loss-contrastive" => PairLossWorkload(new ContrastiveLoss()),
        "loss-bce" => PairLossWorkload(new BceHeadLoss(128)),
        "loss-triplet-batchhard" => TripletWorkload(),
        "search-10k" => Search(10_000),
        "search-100k" => Search(100_000),
        _ => throw new ArgumentException($"Unknown workload '{name}'. Known: {string.Join(", ", All.Select(w => w.Name))}.", nameof(name)),
    };

    /// <summary>The one-shot tutorial's small CNN at Omniglot's 1x105x105.</summary>
    public static SmallCnn SmallCnn105() => new(new EncoderOptions { InputHeight = 105, InputWidth = 105 });

    private static (Action, IDisposable) Forward(Func<ImageEncoder> encoder, int height, int width, NetworkPrecision precision)
    {
        random.manual_seed(1);
        var network = new SiameseNetwork(encoder()).SetPrecision(precision);
        network.eval();
        var images = rand([64, 1, height, width], generator: new Generator(1));
        return (() =>
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            network.Embed(images);
        }, new Disposables(network, images));
    }

    private static (Action, IDisposable) Step(Func<ImageEncoder> encoder, int height, int width, NetworkPrecision precision)
    {
        random.manual_seed(1);
        var network = new SiameseNetwork(encoder()).SetPrecision(precision);
        var loss = new ContrastiveLoss();
        Adam optimizer = HandWrittenLoop.Adam(network, loss);
        var pairs = new InMemoryPairs(pairs: 32, channels: 1, height: height, width: width, batches: 1);
        return (() => HandWrittenLoop.Steps(network, loss, optimizer, [pairs.Next()]), new Disposables(network, loss, optimizer, pairs));
    }

    /// <summary>Ten small-CNN steps through the hand-written loop or through SiameseTrainer.Fit (one epoch, no validation, no best-model copy): Fit's overhead.</summary>
    private static (Action, IDisposable) TenSteps(bool fit)
    {
        random.manual_seed(1);
        var network = new SiameseNetwork(SmallCnn105());
        var loss = new ContrastiveLoss();
        Adam optimizer = HandWrittenLoop.Adam(network, loss);
        var pairs = new InMemoryPairs(pairs: 32, channels: 1, height: 105, width: 105, batches: 10);
        var trainer = new Siamese.Net.Training.SiameseTrainer(new Siamese.Net.Training.SiameseTrainerOptions { Epochs = 1, KeepBest = false, LogEverySteps = 10 });
        Action run = fit
            ? () => trainer.Fit(network, loss, pairs)
            : () => HandWrittenLoop.Steps(network, loss, optimizer, pairs.ReadEpoch(0));
        return (run, new Disposables(network, loss, optimizer, pairs));
    }

    private static (Action, IDisposable) PairLossWorkload(MetricLoss loss)
    {
        var generator = new Generator(2);
        var embeddings = randn([64, 128], generator: generator);
        using var targets = PairTargets.FromLabels(Enumerable.Range(0, 32).Select(i => i % 2 == 0 ? PairLabel.Same : PairLabel.Different).ToArray());
        var pairs = PairTuples.FromPairTargets(targets);
        return (() =>
        {
            using var scope = NewDisposeScope();
            var e = embeddings.detach().requires_grad_();
            loss.Compute(e, null, pairs).backward();
        }, new Disposables(loss, embeddings, pairs));
    }

    private static (Action, IDisposable) TripletWorkload()
    {
        var loss = new TripletMarginLoss(1.0, new BatchHardTripletMiner());
        var embeddings = randn([64, 128], generator: new Generator(3));
        var classes = arange(64, dtype: ScalarType.Int64).div(4, rounding_mode: RoundingMode.floor);
        return (() =>
        {
            using var scope = NewDisposeScope();
            var e = embeddings.detach().requires_grad_();
            loss.Compute(e, classes).backward();
        }, new Disposables(loss, embeddings, classes));
    }

    private static (Action, IDisposable) Search(int support)
    {
        var (index, queries) = SupportSearchCommand.Build(support, shots: 1, queries: 1000, KShotAggregation.NearestSample);
        return (() => index.Search(queries, 5), new Disposables(index, queries));
    }

    private sealed class Disposables(params object[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items.Reverse())
            {
                (item as IDisposable)?.Dispose();
            }
        }
    }
}
