using Siamese.Net.Data;
using static TorchSharp.torch;

namespace Siamese.Net.Benchmarks.Training;

/// <summary>
/// Pre-generated random pairs: each batch is a fresh copy of the same data (the trainer owns and disposes batches),
/// so the benchmark measures training, not data generation or decoding.
/// </summary>
internal sealed class InMemoryPairs : IBatchSource<LabelledBatch>, IDisposable
{
    private readonly Tensor _first;
    private readonly Tensor _second;
    private readonly PairLabel[] _labels;

    public InMemoryPairs(int pairs, int channels, int height, int width, int batches, long seed = 1)
    {
        using var generator = new Generator((ulong)seed);
        _first = rand([pairs, channels, height, width], generator: generator);
        _second = rand([pairs, channels, height, width], generator: generator);
        _labels = Enumerable.Range(0, pairs).Select(i => i % 2 == 0 ? PairLabel.Same : PairLabel.Different).ToArray();
        BatchesPerEpoch = batches;
    }

    public int BatchesPerEpoch { get; }

    public IEnumerable<LabelledBatch> ReadEpoch(int epoch, CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < BatchesPerEpoch; i++)
        {
            yield return Next();
        }
    }

    public LabelledBatch Next()
    {
        using var targets = PairTargets.FromLabels(_labels);
        return LabelledBatch.FromPairs(_first, _second, targets);
    }

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }
}
