using BenchmarkDotNet.Attributes;
using Siamese.Net.Encoders;
using Siamese.Net.Losses;
using Siamese.Net.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Benchmarks.Training;

/// <summary>
/// The cost of <see cref="SiameseTrainer.Fit(nn.Module{Tensor, Tensor}, PairLoss, Data.IBatchSource{Data.PairBatch}, Data.IBatchSource{Data.PairBatch}?, IProgress{TrainingProgress}?, CancellationToken)"/>
/// over a hand-written loop on a small model, where any per-step overhead shows most: 50 steps of the tutorial's small
/// CNN on 16 pairs of 1x28x28, contrastive loss, Adam. In process: a generated child project would not get the
/// build step that makes libLibTorchSharp load.
/// </summary>
[InProcess]
[MemoryDiagnoser]
[WarmupCount(2)]
[IterationCount(10)]
public class FitOverheadBenchmarks
{
    private const int Steps = 50;
    private SiameseNetwork _network = null!;
    private ContrastiveLoss _loss = null!;
    private InMemoryPairs _pairs = null!;
    private Adam _optimizer = null!;
    private SiameseTrainer _trainer = null!;

    [GlobalSetup]
    public void Setup()
    {
        random.manual_seed(1);
        _network = new SiameseNetwork(new SmallCnn(new EncoderOptions { InputHeight = 28, InputWidth = 28, EmbeddingSize = 64 }));
        _loss = new ContrastiveLoss();
        _pairs = new InMemoryPairs(pairs: 16, channels: 1, height: 28, width: 28, batches: Steps);
        _optimizer = HandWrittenLoop.Adam(_network, _loss);
        _trainer = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 1, KeepBest = false, LogEverySteps = 20 });
    }

    [Benchmark(Baseline = true, Description = "Hand-written loop, 50 steps")]
    public void HandWritten() => HandWrittenLoop.Steps(_network, _loss, _optimizer, _pairs.ReadEpoch(0));

    [Benchmark(Description = "SiameseTrainer.Fit, 50 steps")]
    public TrainingResult Fit() => _trainer.Fit(_network, _loss, _pairs);

    [GlobalCleanup]
    public void Cleanup()
    {
        _optimizer.Dispose();
        _pairs.Dispose();
        _loss.Dispose();
        _network.Dispose();
    }
}
