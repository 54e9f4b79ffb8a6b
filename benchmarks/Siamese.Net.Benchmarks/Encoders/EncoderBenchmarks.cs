using BenchmarkDotNet.Attributes;
using Siamese.Net.Benchmarks.SideBySide;

namespace Siamese.Net.Benchmarks.Encoders;

/// <summary>
/// Encoder forward passes (batch 64, eval, no grad) and training steps (32 pairs in one forward, contrastive, Adam),
/// as <see cref="Workloads"/> defines them for the side-by-side comparison with PyTorch. SigNet rows take seconds
/// per operation, so few iterations. In-process: BenchmarkDotNet's generated child project lacks the native-library
/// fix (see SupportSearchBenchmarks).
/// </summary>
[InProcess]
[WarmupCount(1)]
[IterationCount(3)]
public class EncoderBenchmarks
{
    private Action _run = null!;
    private IDisposable _state = null!;

    /// <summary>A workload name from <see cref="Workloads.All"/>.</summary>
    [Params("signet-forward", "signet-step", "signet-forward-bf16", "signet-step-bf16", "face-forward", "face-step", "smallcnn-forward", "smallcnn-step")]
    public string Workload { get; set; } = "";

    [GlobalSetup]
    public void Setup() => (_run, _state) = Workloads.Create(Workload);

    [GlobalCleanup]
    public void Cleanup() => _state.Dispose();

    [Benchmark]
    public void Run() => _run();
}
