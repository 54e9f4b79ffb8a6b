using Siamese.Net.Distances;
using Siamese.Net.Losses;
using Siamese.Net.Miners;
using static Siamese.Net.Tests.Miners.MinerBruteForce;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Miners;

public sealed class MultiSimilarityMinerTests
{
    [Theory]
    [MemberData(nameof(MinerBruteForce.AllDistances), MemberType = typeof(MinerBruteForce))]
    public void Keeps_exactly_the_pairs_the_papers_rule_keeps(IDistance distance)
    {
        using var scope = NewDisposeScope();
        var x = Embeddings();
        var d = Scores(x, distance);
        const double epsilon = 0.1;
        var expectedPositive = new List<(long, long)>();
        var expectedNegative = new List<(long, long)>();
        foreach (int a in Indices)
        {
            var positives = Indices.Where(p => Positive(a, p)).ToList();
            var negatives = Indices.Where(n => Negative(a, n)).ToList();
            double farthestPositive = positives.Count == 0 ? double.NegativeInfinity : positives.Max(p => d[a, p]);
            double closestNegative = negatives.Count == 0 ? double.PositiveInfinity : negatives.Min(n => d[a, n]);
            expectedPositive.AddRange(positives.Where(p => d[a, p] + epsilon > closestNegative).Select(p => ((long)a, (long)p)));
            expectedNegative.AddRange(negatives.Where(n => d[a, n] - epsilon < farthestPositive).Select(n => ((long)a, (long)n)));
        }

        using var mined = (PairTuples)new MultiSimilarityMiner(epsilon).Mine(x, tensor(Labels), distance);
        Pairs(mined.PositiveFirst, mined.PositiveSecond).Should().BeEquivalentTo(expectedPositive);
        Pairs(mined.NegativeFirst, mined.NegativeSecond).Should().BeEquivalentTo(expectedNegative);
        expectedNegative.Count.Should().BeGreaterThan(0).And.BeLessThan(Indices.Sum(a => Indices.Count(n => Negative(a, n))), "the rule must keep a strict subset");
    }

    [Theory]
    [InlineData("main")]
    [InlineData("aligned")]
    [InlineData("all_equal")]
    [InlineData("no_positive")]
    public void Keeps_the_pairs_pytorch_metric_learnings_miner_keeps(string set)
    {
        using var scope = NewDisposeScope();
        var c = Losses.LossReferenceCheck.Case("multi_similarity_mined/" + set);
        var x = Losses.LossReferenceCheck.Matrix(Losses.LossReferenceCheck.Inputs(set).GetProperty("embeddings"));
        using var mined = (PairTuples)new MultiSimilarityMiner(0.1).Mine(x, Losses.LossReferenceCheck.Labels(set), new CosineDistance());
        (long, long)[] Expected(string kind) => c.GetProperty("mined_pairs").GetProperty(kind).EnumerateArray()
            .Select(p => (p[0].GetInt64(), p[1].GetInt64())).ToArray();
        Pairs(mined.PositiveFirst, mined.PositiveSecond).Should().BeEquivalentTo(Expected("positive"));
        Pairs(mined.NegativeFirst, mined.NegativeSecond).Should().BeEquivalentTo(Expected("negative"));
    }

    [Fact]
    public void A_batch_of_single_images_gives_no_pairs()
    {
        using var scope = NewDisposeScope();
        using var mined = new MultiSimilarityMiner().Mine(randn(5, 3), arange(5L), new CosineDistance());
        mined.Count.Should().Be(0);
    }

    [Fact]
    public void A_negative_epsilon_is_rejected() =>
        FluentActions.Invoking(() => new MultiSimilarityMiner(-0.1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("epsilon");
}
