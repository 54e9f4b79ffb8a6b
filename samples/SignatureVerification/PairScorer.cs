using Siamese.Net.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Samples.SignatureVerification;

/// <summary>Distances of image pairs, embedding each distinct image once (the CSVs reuse every image many times).</summary>
internal static class PairScorer
{
    public static double[] Distances(SiameseNetwork network, ImageStore images, IReadOnlyList<ImagePair> pairs, CancellationToken cancellationToken, int batchSize = 64)
    {
        var paths = pairs.SelectMany(p => new[] { p.First, p.Second }).Distinct(StringComparer.Ordinal).ToList();
        var row = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < paths.Count; i++)
        {
            row[paths[i]] = i;
        }

        network.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var chunks = new List<Tensor>();
        for (int start = 0; start < paths.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = images.LoadBatch(paths.GetRange(start, Math.Min(batchSize, paths.Count - start)));
            chunks.Add(network.Embed(batch));
        }

        var embeddings = torch.cat(chunks, 0);
        var first = embeddings.index_select(0, torch.tensor(pairs.Select(p => row[p.First]).ToArray()));
        var second = embeddings.index_select(0, torch.tensor(pairs.Select(p => row[p.Second]).ToArray()));
        return network.Distance.Pairwise(first, second).to(ScalarType.Float64).data<double>().ToArray();
    }
}
