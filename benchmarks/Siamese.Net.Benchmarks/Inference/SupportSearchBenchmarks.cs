using BenchmarkDotNet.Attributes;
using Siamese.Net.Distances;
using Siamese.Net.Inference;
using Siamese.Net.Search;
using static TorchSharp.torch;

namespace Siamese.Net.Benchmarks.Inference;

/// <summary>
/// One-shot search: 1,000 query embeddings of size 128 against 10k and 100k one-shot support classes (one embedding
/// each), top-5 classes, Euclidean distance, through <see cref="TensorSupportIndex.Search(Tensor, int)"/>. Target: at most 1 s
/// for 100k on the project's 2-core CPU.
/// </summary>
/// <remarks>
/// In-process: the project BenchmarkDotNet generates for an out-of-process run does not import Siamese.Net's build
/// targets, so libLibTorchSharp.so is not patched there and fails to load (GLIBCXX_3.4.32).
/// </remarks>
[InProcess]
[WarmupCount(1)]
[IterationCount(5)]
public class SupportSearchBenchmarks
{
    private TensorSupportIndex _index = null!;
    private Tensor _queries = null!;

    /// <summary>Number of support embeddings (= classes).</summary>
    [Params(10_000, 100_000)]
    public int Support { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_index, _queries) = SupportSearchCommand.Build(Support, shots: 1, queries: 1000, KShotAggregation.NearestSample);
        _index.Search(_queries.narrow(0, 0, 1), 5);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _index.Dispose();
        _queries.Dispose();
    }

    [Benchmark(Description = "1000 queries x D=128, top-5, Euclidean")]
    public int Search() => _index.Search(_queries, 5).Length;
}
