using Siamese.Net.Data;
using Siamese.Net.Losses;
using Siamese.Net.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Training;

/// <summary>A tiny encoder with dropout (so that resuming must restore torch's RNG to be exact).</summary>
internal sealed class TinyEncoder : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> fc1;
    private readonly nn.Module<Tensor, Tensor> drop;
    private readonly nn.Module<Tensor, Tensor> fc2;

    public TinyEncoder(int inputSize = 64, int hidden = 32, int embedding = 8, double dropout = 0.2)
        : base(nameof(TinyEncoder))
    {
        fc1 = nn.Linear(inputSize, hidden);
        drop = nn.Dropout(dropout);
        fc2 = nn.Linear(hidden, embedding);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.flatten(1);
        x = nn.functional.relu(fc1.forward(x));
        x = drop.forward(x);
        return fc2.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>A copy of all parameters, flattened, on the CPU.</summary>
    public static double[] Weights(nn.Module module)
    {
        using var scope = NewDisposeScope();
        return cat(module.parameters().Select(p => p.detach().flatten().cpu().to(ScalarType.Float64)).ToArray(), 0)
            .data<double>().ToArray();
    }

    /// <summary>Builds an encoder with fixed initial weights.</summary>
    public static TinyEncoder Create(long seed = 7, double dropout = 0.2)
    {
        random.manual_seed(seed);
        return new TinyEncoder(dropout: dropout);
    }
}

/// <summary>
/// Synthetic identities: each class is a fixed random 1x8x8 prototype; a sample is its prototype plus noise.
/// Everything is drawn from System.Random seeded by (seed, epoch, ...), never from torch's generator.
/// </summary>
internal sealed class SyntheticClasses
{
    public const int Side = 8;
    private readonly float[][] _prototypes;
    private readonly float _noise;

    public SyntheticClasses(int classes, int seed = 1, float noise = 0.3f)
    {
        var rng = new Random(seed);
        _prototypes = Enumerable.Range(0, classes)
            .Select(_ => Enumerable.Range(0, Side * Side).Select(_ => (float)rng.NextDouble()).ToArray())
            .ToArray();
        _noise = noise;
    }

    public int Classes => _prototypes.Length;

    public float[] Sample(int classId, Random rng) =>
        _prototypes[classId].Select(v => v + (_noise * (float)((rng.NextDouble() * 2) - 1))).ToArray();

    public static Tensor Images(IReadOnlyList<float[]> samples) =>
        tensor(samples.SelectMany(s => s).ToArray(), [samples.Count, 1, Side, Side]);
}

/// <summary>Half same, half different pairs; the same batches for the same (seed, epoch).</summary>
internal sealed class SyntheticPairSource : IBatchSource<LabelledBatch>
{
    private readonly SyntheticClasses _classes;
    private readonly int _batchSize;
    private readonly int _seed;

    public SyntheticPairSource(SyntheticClasses classes, int batches, int batchSize = 16, int seed = 3)
    {
        _classes = classes;
        BatchesPerEpoch = batches;
        _batchSize = batchSize;
        _seed = seed;
    }

    public int BatchesPerEpoch { get; }

    /// <summary>Called before each batch is produced (to inject failures or cancellation).</summary>
    public Action<int, int>? BeforeBatch { get; set; }

    public IEnumerable<LabelledBatch> ReadEpoch(int epoch, CancellationToken cancellationToken = default)
    {
        var rng = new Random((_seed * 10007) + epoch);
        for (int b = 0; b < BatchesPerEpoch; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            BeforeBatch?.Invoke(epoch, b);
            var first = new List<float[]>();
            var second = new List<float[]>();
            var labels = new List<PairLabel>();
            for (int i = 0; i < _batchSize; i++)
            {
                int a = rng.Next(_classes.Classes);
                bool same = i % 2 == 0;
                int c = same ? a : (a + 1 + rng.Next(_classes.Classes - 1)) % _classes.Classes;
                first.Add(_classes.Sample(a, rng));
                second.Add(_classes.Sample(c, rng));
                labels.Add(same ? PairLabel.Same : PairLabel.Different);
            }

            using var targets = PairTargets.FromLabels(labels);
            yield return new LabelledBatch(SyntheticClasses.Images([.. first, .. second]), null, PairTuples.FromPairTargets(targets));
        }
    }
}

/// <summary>M images of each of P classes per batch (what batch-hard / batch-all miners need).</summary>
internal sealed class SyntheticLabelledSource : IBatchSource<LabelledBatch>
{
    private readonly SyntheticClasses _classes;
    private readonly int _classesPerBatch;
    private readonly int _perClass;
    private readonly int _seed;

    public SyntheticLabelledSource(SyntheticClasses classes, int batches, int classesPerBatch = 4, int perClass = 4, int seed = 5)
    {
        _classes = classes;
        BatchesPerEpoch = batches;
        _classesPerBatch = classesPerBatch;
        _perClass = perClass;
        _seed = seed;
    }

    public int BatchesPerEpoch { get; }

    public IEnumerable<LabelledBatch> ReadEpoch(int epoch, CancellationToken cancellationToken = default)
    {
        var rng = new Random((_seed * 10007) + epoch);
        for (int b = 0; b < BatchesPerEpoch; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chosen = Enumerable.Range(0, _classes.Classes).OrderBy(_ => rng.Next()).Take(_classesPerBatch).ToArray();
            var samples = new List<float[]>();
            var ids = new List<long>();
            foreach (var c in chosen)
            {
                for (int m = 0; m < _perClass; m++)
                {
                    samples.Add(_classes.Sample(c, rng));
                    ids.Add(c);
                }
            }

            yield return new LabelledBatch(SyntheticClasses.Images(samples), tensor(ids.ToArray()));
        }
    }
}

/// <summary>(anchor, positive, negative) triplets of the synthetic classes.</summary>
internal sealed class SyntheticTripletSource : IBatchSource<LabelledBatch>
{
    private readonly SyntheticClasses _classes;
    private readonly int _batchSize;
    private readonly int _seed;

    public SyntheticTripletSource(SyntheticClasses classes, int batches, int batchSize = 8, int seed = 13)
    {
        _classes = classes;
        BatchesPerEpoch = batches;
        _batchSize = batchSize;
        _seed = seed;
    }

    public int BatchesPerEpoch { get; }

    public IEnumerable<LabelledBatch> ReadEpoch(int epoch, CancellationToken cancellationToken = default)
    {
        var rng = new Random((_seed * 10007) + epoch);
        for (int b = 0; b < BatchesPerEpoch; b++)
        {
            var anchors = new List<float[]>();
            var positives = new List<float[]>();
            var negatives = new List<float[]>();
            for (int i = 0; i < _batchSize; i++)
            {
                int a = rng.Next(_classes.Classes);
                int n = (a + 1 + rng.Next(_classes.Classes - 1)) % _classes.Classes;
                anchors.Add(_classes.Sample(a, rng));
                positives.Add(_classes.Sample(a, rng));
                negatives.Add(_classes.Sample(n, rng));
            }

            yield return new LabelledBatch(SyntheticClasses.Images([.. anchors, .. positives, .. negatives]), null, TripletTuples.Packaged(_batchSize));
        }
    }
}

/// <summary>Collects progress reports synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
internal sealed class SyncProgress<T> : IProgress<T>
{
    private readonly Action<T>? _onReport;

    public SyncProgress(Action<T>? onReport = null) => _onReport = onReport;

    public List<T> Reports { get; } = [];

    public void Report(T value)
    {
        Reports.Add(value);
        _onReport?.Invoke(value);
    }
}
