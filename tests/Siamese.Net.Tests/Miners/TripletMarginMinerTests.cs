using Siamese.Net.Distances;
using Siamese.Net.Losses;
using Siamese.Net.Miners;
using static Siamese.Net.Tests.Miners.MinerBruteForce;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Miners;

public sealed class TripletMarginMinerTests
{
    public static IEnumerable<object[]> Cases() =>
        from selection in Enum.GetValues<TripletSelection>()
        from distance in AllDistances()
        select new object[] { selection, distance[0] };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Keeps_exactly_the_triplets_of_the_chosen_band(TripletSelection selection, IDistance distance)
    {
        using var scope = NewDisposeScope();
        var x = Embeddings();
        var d = Scores(x, distance);
        const double margin = 0.5;
        var expected = new List<(long, long, long)>();
        foreach (int a in Indices)
        {
            foreach (int p in Indices.Where(p => Positive(a, p)))
            {
                foreach (int n in Indices.Where(n => Negative(a, n)))
                {
                    double gap = d[a, n] - d[a, p];
                    bool keep = selection switch
                    {
                        TripletSelection.Hard => gap <= 0,
                        TripletSelection.SemiHard => gap > 0 && gap <= margin,
                        TripletSelection.Easy => gap > margin,
                        _ => gap <= margin,
                    };
                    if (keep)
                    {
                        expected.Add((a, p, n));
                    }
                }
            }
        }

        using var mined = new TripletMarginMiner(margin, selection).Mine(x, tensor(Labels), distance);
        Triplets(mined).Should().BeEquivalentTo(expected);
        expected.Should().NotBeEmpty("the batch must exercise the band");
    }

    [Fact]
    public void The_bands_partition_every_valid_triplet()
    {
        using var scope = NewDisposeScope();
        var x = Embeddings(5);
        var labels = tensor(Labels);
        var distance = new EuclideanDistance();
        long Count(TripletSelection s)
        {
            using var t = new TripletMarginMiner(0.5, s).Mine(x, labels, distance);
            return t.Count;
        }

        using var all = TripletTuples.AllTriplets(labels);
        (Count(TripletSelection.Hard) + Count(TripletSelection.SemiHard) + Count(TripletSelection.Easy)).Should().Be(all.Count);
        Count(TripletSelection.All).Should().Be(Count(TripletSelection.Hard) + Count(TripletSelection.SemiHard));
    }

    [Fact]
    public void Drives_a_triplet_loss_with_the_active_count()
    {
        using var scope = NewDisposeScope();
        var x = Embeddings();
        var loss = new TripletMarginLoss(0.5, new TripletMarginMiner(0.5, TripletSelection.SemiHard));
        using var output = loss.Evaluate(x, tensor(Labels));
        output.Tuples.item<long>().Should().BeGreaterThan(0);
        output.ActiveTuples.item<long>().Should().Be(output.Tuples.item<long>(), "every semi-hard triplet violates the margin");
    }

    [Fact]
    public void Bad_options_are_rejected()
    {
        FluentActions.Invoking(() => new TripletMarginMiner(-1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("margin");
        FluentActions.Invoking(() => new TripletMarginMiner(selection: (TripletSelection)9)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("selection");
    }
}
