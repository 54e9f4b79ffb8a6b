using Siamese.Net.Distances;
using Siamese.Net.Miners;
using static Siamese.Net.Tests.Miners.MinerBruteForce;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Miners;

public sealed class BatchEasyHardMinerTests
{
    public static IEnumerable<object[]> Cases() =>
        from semiHard in new[] { true, false }
        from distance in AllDistances()
        select new object[] { semiHard, distance[0] };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Picks_the_easiest_positive_and_the_hardest_allowed_negative_of_each_anchor(bool semiHard, IDistance distance)
    {
        using var scope = NewDisposeScope();
        var x = Embeddings();
        var d = Scores(x, distance);
        var expected = new List<(long, long, long)>();
        foreach (int a in Indices)
        {
            var positives = Indices.Where(p => Positive(a, p)).ToList();
            if (positives.Count == 0)
            {
                continue;
            }

            int easiest = positives.MinBy(p => d[a, p]);
            var negatives = Indices.Where(n => Negative(a, n) && (!semiHard || d[a, n] > d[a, easiest])).ToList();
            if (negatives.Count > 0)
            {
                expected.Add((a, easiest, negatives.MinBy(n => d[a, n])));
            }
        }

        using var mined = new BatchEasyHardMiner(semiHard).Mine(x, tensor(Labels), distance);
        Triplets(mined).Should().BeEquivalentTo(expected);
        expected.Should().NotBeEmpty();
    }

    [Fact]
    public void Semi_hard_negatives_can_leave_an_anchor_out()
    {
        using var scope = NewDisposeScope();
        // 1-D: class 0 at 0 and 1, class 1 at -0.5 and 5. The class-1 anchors' easiest positive (5.5 away) is farther
        // than all their negatives, so only the class-0 anchors have a semi-hard negative.
        var x = tensor(new double[] { 0, 1, -0.5, 5 }).reshape(4, 1);
        var labels = tensor(new long[] { 0, 0, 1, 1 });
        using var semiHard = new BatchEasyHardMiner().Mine(x, labels, new EuclideanDistance());
        Triplets(semiHard).Should().BeEquivalentTo(new[] { (0L, 1L, 3L), (1L, 0L, 2L) });
        using var hard = new BatchEasyHardMiner(semiHardNegative: false).Mine(x, labels, new EuclideanDistance());
        Triplets(hard).Should().BeEquivalentTo(new[] { (0L, 1L, 2L), (1L, 0L, 2L), (2L, 3L, 0L), (3L, 2L, 1L) });
    }
}
