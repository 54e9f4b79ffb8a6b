using System.Text.Json;
using Siamese.Net.Distances;
using Siamese.Net.Losses;
using Siamese.Net.Miners;
using Siamese.Net.Reducers;
using Siamese.Net.Tests.Reference;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Losses;

public sealed class TripletMarginLossTests
{
    private static readonly JsonElement Ref = ReferenceData.Load("losses.json");

    // A hand-built batch of 1-D embeddings: class 0 at 0 and 1, class 1 at 1.5 and 4, class 2 (a singleton) at 10.
    private static Tensor LineEmbeddings() => tensor(new float[] { 0f, 1f, 1.5f, 4f, 10f }).reshape(5, 1);

    private static Tensor LineClasses() => tensor(new long[] { 0, 0, 1, 1, 2 });

    private static (long, long, long)[] Mine(IMiner miner, Tensor embeddings, Tensor classIds)
    {
        using var mined = miner.Mine(embeddings, classIds, new EuclideanDistance());
        using var triplets = mined.ToTriplets();
        return triplets.ToList().Select(t => (t.Anchor, t.Positive, t.Negative)).ToArray();
    }

    [Fact]
    public void Batch_hard_picks_the_farthest_positive_and_nearest_negative_of_each_anchor()
    {
        using var scope = NewDisposeScope();

        // d(0,1)=1, d(0,2)=1.5, d(1,2)=0.5, d(1,3)=3, d(2,3)=2.5, d(0,3)=4; anchor 4 has no positive.
        Mine(new BatchHardTripletMiner(), LineEmbeddings(), LineClasses())
            .Should().BeEquivalentTo(new[] { (0L, 1L, 2L), (1L, 0L, 2L), (2L, 3L, 1L), (3L, 2L, 1L) });
    }

    [Fact]
    public void Semi_hard_picks_negatives_farther_than_the_positive_but_inside_the_margin()
    {
        using var scope = NewDisposeScope();

        // (0,1): d_ap 1, band (1, 2) holds 2 at 1.5. (1,0): 2 is at 0.5 (hard), 3 at 3 (easy): none.
        // (2,3): d_ap 2.5, band (2.5, 3.5) is empty (0 at 1.5, 1 at 0.5 are hard). (3,2): 1 at 3 is in the band.
        Mine(new SemiHardTripletMiner(), LineEmbeddings(), LineClasses())
            .Should().BeEquivalentTo(new[] { (0L, 1L, 2L), (3L, 2L, 1L) });
    }

    [Fact]
    public void Batch_all_takes_every_valid_triplet_or_only_the_active_ones()
    {
        using var scope = NewDisposeScope();

        Mine(new BatchAllTripletMiner(activeOnly: false), LineEmbeddings(), LineClasses()).Should().HaveCount(12);
        Mine(new BatchAllTripletMiner(), LineEmbeddings(), LineClasses())
            .Should().BeEquivalentTo(new[] { (0L, 1L, 2L), (1L, 0L, 2L), (2L, 3L, 0L), (2L, 3L, 1L), (3L, 2L, 1L) });
    }

    [Fact]
    public void Batch_hard_loss_on_the_hand_built_batch()
    {
        using var scope = NewDisposeScope();
        var loss = new TripletMarginLoss(1.0, new BatchHardTripletMiner());

        // Per triplet: 1 - 1.5 + 1, 1 - 0.5 + 1, 2.5 - 0.5 + 1, 2.5 - 3 + 1.
        loss.Compute(LineEmbeddings(), LineClasses()).ShouldBeClose((0.5 + 1.5 + 3.0 + 0.5) / 4, 1e-5);
    }

    public static TheoryData<string> MinerNames => new() { "batch_all_active", "batch_all", "batch_hard", "semi_hard" };

    private static IMiner CreateMiner(string name, double margin) => name switch
    {
        "batch_all_active" => new BatchAllTripletMiner(margin: margin),
        "batch_all" => new BatchAllTripletMiner(activeOnly: false, margin: margin),
        "batch_hard" => new BatchHardTripletMiner(),
        "semi_hard" => new SemiHardTripletMiner(margin),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(MinerNames))]
    public void Mined_triplets_loss_and_gradient_match_a_brute_force_PyTorch_reference(string minerName)
    {
        using var scope = NewDisposeScope();
        var data = Ref.GetProperty("triplet_mined");
        var expected = data.GetProperty(minerName);
        double margin = data.GetProperty("margin").GetDouble();
        var classIds = tensor(data.GetProperty("class_ids").Longs());
        var miner = CreateMiner(minerName, margin);

        var mined = Mine(miner, data.GetProperty("embeddings").Floats(9, 3), classIds);
        var expectedTriplets = expected.GetProperty("triplets").EnumerateArray()
            .Select(t => t.Longs()).Select(t => (t[0], t[1], t[2])).ToArray();
        mined.Should().BeEquivalentTo(expectedTriplets);

        foreach (var (reducer, key) in new[] { (KnownReducers.Mean, "mean"), (KnownReducers.Sum, "sum") })
        {
            var embeddings = data.GetProperty("embeddings").Floats(9, 3).requires_grad_();
            var value = new TripletMarginLoss(margin, miner, reducer: reducer).Compute(embeddings, classIds);
            value.backward();
            value.ShouldBeClose(expected.GetProperty(key).GetProperty("value").GetDouble(), 1e-5, 1e-5, key);
            embeddings.grad!.ShouldBeClose(expected.GetProperty(key).GetProperty("grad").Doubles(), 1e-5, 1e-5, key);
        }

        var perTriplet = new TripletMarginLoss(margin, miner, reducer: KnownReducers.None)
            .Compute(data.GetProperty("embeddings").Floats(9, 3), classIds);
        perTriplet.shape.Should().Equal(expectedTriplets.Length);
    }

    [Fact]
    public void Explicit_triplets_match_nn_TripletMarginLoss()
    {
        using var scope = NewDisposeScope();
        var data = Ref.GetProperty("triplet_explicit");
        var a = data.GetProperty("anchors").Floats(5, 4).requires_grad_();
        var p = data.GetProperty("positives").Floats(5, 4).requires_grad_();
        var n = data.GetProperty("negatives").Floats(5, 4).requires_grad_();

        // Given triplets are a batch of 3T images laid out as anchors, positives, negatives, with their packaged tuples.
        using var tuples = TripletTuples.Packaged(5);
        var value = new TripletMarginLoss(1.0).Compute(cat([a, p, n], 0), null, tuples);
        value.backward();

        value.ShouldBeClose(data.GetProperty("value").GetDouble(), 1e-5, 1e-5);
        a.grad!.ShouldBeClose(data.GetProperty("grad_anchors").Doubles(), 1e-5, 1e-5);
        p.grad!.ShouldBeClose(data.GetProperty("grad_positives").Doubles(), 1e-5, 1e-5);
        n.grad!.ShouldBeClose(data.GetProperty("grad_negatives").Doubles(), 1e-5, 1e-5);
    }

    [Fact]
    public void A_batch_without_triplets_gives_zero_loss_and_a_zero_gradient()
    {
        using var scope = NewDisposeScope();
        var embeddings = randn(4, 3).requires_grad_();

        var loss = new TripletMarginLoss().Compute(embeddings, tensor(new long[] { 0, 1, 2, 3 }));
        loss.backward();

        loss.item<float>().Should().Be(0f);
        embeddings.grad!.abs().sum().item<float>().Should().Be(0f);
    }

    [Fact]
    public void Defaults_and_bad_input()
    {
        using var scope = NewDisposeScope();
        using var loss = new TripletMarginLoss();

        loss.Margin.Should().Be(1.0);
        loss.Miner.Should().BeOfType<BatchAllTripletMiner>().Which.ActiveOnly.Should().BeTrue();
        loss.Distance.Should().BeOfType<EuclideanDistance>();
        loss.Invoking(l => l.Compute(zeros(4, 3), tensor(new long[] { 0, 1, 2 }))).Should().Throw<ArgumentException>().WithMessage("*[4]*[3]*");
        loss.Invoking(l => l.Compute(zeros(4), tensor(new long[] { 0, 1, 2, 3 }))).Should().Throw<ArgumentException>().WithMessage("*[N, D]*[4]*");
        loss.Invoking(l => l.Compute(zeros(4, 3), zeros(4))).Should().Throw<ArgumentException>().WithMessage("*integer*");
        FluentActions.Invoking(() => new TripletMarginLoss(-0.1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("margin");
    }

    [Fact]
    public void Given_pairs_are_converted_to_triplets_that_share_an_anchor()
    {
        using var scope = NewDisposeScope();
        var embeddings = tensor(new float[] { 0, 1, 3 }).reshape(3, 1);
        // Positive pair (0, 1), negative pair (0, 2): one triplet (0, 1, 2) with loss max(0, 1 - 3 + 2.5) = 0.5.
        using var pairs = new PairTuples(tensor(new long[] { 0 }), tensor(new long[] { 1 }), tensor(new long[] { 0 }), tensor(new long[] { 2 }));

        new TripletMarginLoss(2.5).Compute(embeddings, null, pairs).ShouldBeClose(0.5, 1e-5);
    }
}
