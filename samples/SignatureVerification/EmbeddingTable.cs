using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Embedding;
using Siamese.Net.Evaluation;
using Siamese.Net.Samples.Common.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Samples.SignatureVerification;

/// <summary>
/// The embeddings of image files, one row each (the CSVs reuse every image many times), and the scores of pairs of
/// them. The ink-changed copy is what another pen, scanner or contrast setting does to a scan:
/// <c>v' = lo + (hi - lo) v^gamma</c>, gamma in [0.4, 2.5] (lighter or darker ink), lo in [0, 0.3] (black lifted to
/// grey), hi in [0.8, 1] (paper dimmed), drawn per image from its file name: repeatable, and blind to forgery.
/// </summary>
internal sealed class EmbeddingTable(IReadOnlyList<string> paths, Tensor embeddings) : IDisposable
{
    private readonly Dictionary<string, long> _rows = paths.Select((p, i) => (p, (long)i)).ToDictionary(x => x.p, x => x.Item2, StringComparer.Ordinal);

    /// <summary>Embeds each file once; with <paramref name="changeInk"/> each scan first gets its ink change.</summary>
    public static EmbeddingTable Of(Embedder embedder, IReadOnlyList<string> paths, bool changeInk, CancellationToken cancellationToken)
    {
        if (!changeInk)
        {
            return new EmbeddingTable(paths, embedder.Embed(paths, cancellationToken));
        }

        using var scope = torch.NewDisposeScope();
        var chunks = paths.Chunk(64).Select(chunk => embedder.Embed(chunk.Select(p => ChangeInk(p, Scan(p))).ToList(), cancellationToken)).ToList();
        return new EmbeddingTable(paths, torch.cat(chunks, 0).MoveToOuterDisposeScope());
    }

    /// <summary>A scan as decoded, [1, H, W] in [0, 1].</summary>
    public static Tensor Scan(string path)
    {
        var image = GrayImage.Load(path);
        return torch.tensor(image.Pixels.ToArray(), [1, image.Height, image.Width]);
    }

    /// <summary>Distance-like scores (smaller = more alike) of the pairs, in their order.</summary>
    public VerificationScores Score(IDistance distance, IReadOnlyList<ImagePair> pairs)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var first = embeddings.index_select(0, torch.tensor(pairs.Select(p => _rows[p.First]).ToArray()));
        var second = embeddings.index_select(0, torch.tensor(pairs.Select(p => _rows[p.Second]).ToArray()));
        var values = distance.AsDistance(distance.Pairwise(first, second)).to(ScalarType.Float64).data<double>().ToArray();
        return VerificationScores.FromDistances(values, pairs.Select(p => p.Label).ToArray());
    }

    public void Dispose() => embeddings.Dispose();

    private static Tensor ChangeInk(string path, Tensor scan)
    {
        // A stable hash of the name (string.GetHashCode differs between processes).
#pragma warning disable CA5394 // Not security: a reproducible change.
        var random = new Random(Path.GetFileName(path).Aggregate(17, (h, c) => unchecked((h * 31) + c)));
        double gamma = Math.Exp(((random.NextDouble() * 2) - 1) * Math.Log(2.5)), lo = random.NextDouble() * 0.3, hi = 0.8 + (random.NextDouble() * 0.2);
#pragma warning restore CA5394
        return scan.clamp(0, 1).pow(gamma).mul(hi - lo).add(lo, 1);
    }
}
