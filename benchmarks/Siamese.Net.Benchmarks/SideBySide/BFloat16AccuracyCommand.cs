using System.Globalization;
using Siamese.Net.Encoders;
using static TorchSharp.torch;

namespace Siamese.Net.Benchmarks.SideBySide;

/// <summary>
/// What <see cref="NetworkPrecision.BFloat16"/> does to embeddings: each encoder built twice from the same seed, one
/// switched to bfloat16, both embedding the same 64 random images in eval mode. Prints, per encoder, the relative L2
/// difference of the embeddings (median and worst image) and the worst cosine distance between the two versions.
/// Usage: <c>bf16-accuracy</c>.
/// </summary>
internal static class BFloat16AccuracyCommand
{
    public static int Run(string[] args)
    {
        _ = args;
        foreach (var (name, make, side) in new (string, Func<ImageEncoder>, int)[]
        {
            ("SigNet", () => new SigNet(), 105),
            ("FaceSimilarityNet", () => new FaceSimilarityNet(), 100),
            ("SmallCnn", Workloads.SmallCnn105, 105),
        })
        {
            using var scope = NewDisposeScope();
            random.manual_seed(1);
            using var full = new SiameseNetwork(make());
            random.manual_seed(1);
            using var half = new SiameseNetwork(make()).SetPrecision(NetworkPrecision.BFloat16);
            full.eval();
            half.eval();
            var images = rand([64, 1, side, side], generator: new Generator(4));
            using var noGrad = no_grad();
            var a = full.Embed(images);
            var b = half.Embed(images);
            var relative = ((b - a).norm(1) / a.norm(1)).sort().Values;
            var cosine = 1 - nn.functional.cosine_similarity(a, b, 1);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-18} relative L2 difference median {relative[32].item<float>():P2}, worst {relative[-1].item<float>():P2}; worst cosine distance {cosine.max().item<float>():E2}"));
        }

        return 0;
    }
}
