using Siamese.Net.Distances;
using Siamese.Net.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Miners;

/// <summary>Small batches and loop-by-loop selection rules to check the vectorised miners against.</summary>
internal static class MinerBruteForce
{
    /// <summary>Three classes of three, one of two, two singletons (anchors without positives).</summary>
    public static readonly long[] Labels = [0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 0, 1];

    public static IEnumerable<object[]> AllDistances() =>
    [
        [new EuclideanDistance()],
        [new CosineDistance()],
        [new DotSimilarity()],
    ];

    public static Tensor Embeddings(int seed = 3) => randn(Labels.Length, 4, dtype: ScalarType.Float64, generator: new Generator((ulong)seed));

    /// <summary>The distance-like matrix (a similarity negated) as plain numbers.</summary>
    public static double[,] Scores(Tensor x, IDistance distance)
    {
        using var scope = NewDisposeScope();
        var m = distance.Matrix(x, x);
        var values = m.cpu().data<double>().ToArray();
        int n = (int)x.shape[0];
        var d = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                d[i, j] = distance.IsSimilarity ? -values[(i * n) + j] : values[(i * n) + j];
            }
        }

        return d;
    }

    public static bool Positive(int a, int p) => a != p && Labels[a] == Labels[p];

    public static bool Negative(int a, int n) => Labels[a] != Labels[n];

    public static IEnumerable<int> Indices => Enumerable.Range(0, Labels.Length);

    public static (long, long)[] Pairs(Tensor first, Tensor second)
    {
        var a = first.cpu().data<long>().ToArray();
        var b = second.cpu().data<long>().ToArray();
        return a.Select((v, i) => (v, b[i])).ToArray();
    }

    public static (long, long, long)[] Triplets(IndexTuples tuples) =>
        ((TripletTuples)tuples).ToList().Select(t => (t.Anchor, t.Positive, t.Negative)).ToArray();

    /// <summary>A similarity (larger = more alike): the dot product.</summary>
    public sealed class DotSimilarity : IDistance
    {
        public string Name => "dot";

        public bool IsSimilarity => true;

        public Tensor Pairwise(Tensor first, Tensor second) => (first * second).sum(1);

        public Tensor Matrix(Tensor queries, Tensor references) => queries.matmul(references.t());

        public override string ToString() => Name;
    }
}
