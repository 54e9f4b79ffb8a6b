using BenchmarkDotNet.Attributes;
using Siamese.Net.Benchmarks.SideBySide;

namespace Siamese.Net.Benchmarks.Losses;

/// <summary>
/// Each loss with its backward pass on random embeddings (32 pairs of D = 128 for the pair losses; 64 embeddings of
/// 16 classes for batch-hard triplets), as <see cref="Workloads"/> defines them. In-process (see EncoderBenchmarks).
/// </summary>
[InProcess]
[MemoryDiagnoser]
[WarmupCount(2)]
[IterationCount(10)]
public class LossBenchmarks
{
    private Action _run = null!;
    private IDisposable _state = null!;

    /// <summary>A loss workload name from <see cref="Workloads.All"/>.</summary>
    [Params("loss-contrastive", "loss-bce", "loss-triplet-batchhard")]
    public string Workload { get; set; } = "";

    [GlobalSetup]
    public void Setup() => (_run, _state) = Workloads.Create(Workload);

    [GlobalCleanup]
    public void Cleanup() => _state.Dispose();

    [Benchmark]
    public void ForwardAndBackward() => _run();
}
