using System.Text.Json;
using Siamese.Net.Distances;
using Siamese.Net.Losses;
using Siamese.Net.Miners;
using Siamese.Net.Reducers;
using Siamese.Net.Tests.TestSupport;
using Siamese.Net.Tests.Reference;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Losses;

public sealed class ContrastiveLossTests
{
    private static readonly JsonElement Ref = ReferenceData.Load("losses.json");

    private static PairTargets Targets(JsonElement same) =>
        PairTargets.FromLabels(same.EnumerateArray().Select(e => e.GetBoolean() ? PairLabel.Same : PairLabel.Different).ToArray());

    [Theory]
    [InlineData(2.0, "mean")]
    [InlineData(2.0, "sum")]
    [InlineData(2.0, "none")]
    [InlineData(1.0, "mean")]
    [InlineData(1.0, "sum")]
    [InlineData(1.0, "none")]
    public void Value_and_gradient_match_the_tutorials_PyTorch_code(double margin, string key)
    {
        using var scope = NewDisposeScope();
        var data = Ref.GetProperty("contrastive");
        var expected = data.GetProperty($"margin{margin:0.0}_{key}");
        var first = data.GetProperty("first").Floats(6, 4).requires_grad_();
        var second = data.GetProperty("second").Floats(6, 4).requires_grad_();
        using var targets = Targets(data.GetProperty("same"));

        var reducer = key switch { "mean" => KnownReducers.Mean, "sum" => KnownReducers.Sum, _ => KnownReducers.None };
        var loss = new ContrastiveLoss(margin, reducer: reducer).ComputePairs(first, second, targets);
        loss.sum().backward();

        loss.shape.Should().Equal(key == "none" ? new long[] { 6 } : Array.Empty<long>());
        var value = expected.GetProperty("value").Doubles();
        loss.ShouldBeClose(key == "none" ? value.InItemOrder(targets) : value, 1e-5, 1e-5);
        first.grad!.ShouldBeClose(expected.GetProperty("grad_first").Doubles(), 1e-5, 1e-5);
        second.grad!.ShouldBeClose(expected.GetProperty("grad_second").Doubles(), 1e-5, 1e-5);
    }

    [Fact]
    public void Halved_form_matches_the_first_SigNet_tutorials_code()
    {
        using var scope = NewDisposeScope();
        var data = Ref.GetProperty("contrastive_halved_000");
        var first = data.GetProperty("first").Floats(5, 3).requires_grad_();
        var second = data.GetProperty("second").Floats(5, 3).requires_grad_();
        using var targets = Targets(data.GetProperty("same"));

        var loss = new ContrastiveLoss(margin: 1.0, halve: true).ComputePairs(first, second, targets);
        loss.backward();

        loss.ShouldBeClose(data.GetProperty("value").GetDouble(), 1e-5, 1e-5);
        first.grad!.ShouldBeClose(data.GetProperty("grad_first").Doubles(), 1e-5, 1e-5);
        second.grad!.ShouldBeClose(data.GetProperty("grad_second").Doubles(), 1e-5, 1e-5);
    }

    [Fact]
    public void Defaults_are_the_tutorials_margin_euclidean_mean_without_half()
    {
        using var loss = new ContrastiveLoss();

        loss.Margin.Should().Be(2.0);
        loss.Distance.Should().BeOfType<EuclideanDistance>();
        loss.Reducer.Should().BeSameAs(KnownReducers.Mean);
        loss.Miner.Should().BeNull();
        loss.Halve.Should().BeFalse();
    }

    [Fact]
    public void Same_pairs_cost_their_squared_distance_and_far_different_pairs_nothing()
    {
        using var scope = NewDisposeScope();
        var first = tensor(new float[] { 0, 0, 0, 0, 0, 0 }).reshape(3, 2);
        var second = tensor(new float[] { 3, 4, 3, 4, 1, 0 }).reshape(3, 2);
        using var targets = PairTargets.FromLabels(new[] { PairLabel.Same, PairLabel.Different, PairLabel.Different });

        var perPair = new ContrastiveLoss(margin: 2.0, reducer: KnownReducers.None).ComputePairs(first, second, targets);

        perPair.ShouldBeClose(new[] { 25.0, 0.0, 1.0 }, 1e-5);
    }

    [Fact]
    public void A_cosine_distance_can_be_injected()
    {
        using var scope = NewDisposeScope();
        var first = tensor(new float[] { 1, 0 }).reshape(1, 2);
        var second = tensor(new float[] { 0, 1 }).reshape(1, 2);
        using var targets = PairTargets.FromLabels(new[] { PairLabel.Same });

        new ContrastiveLoss(distance: new CosineDistance()).ComputePairs(first, second, targets).item<float>()
            .Should().BeApproximately(1f, 1e-6f);
    }

    [Fact]
    public void Bad_input_and_options_are_rejected()
    {
        using var scope = NewDisposeScope();
        using var targets = PairTargets.FromLabels(new[] { PairLabel.Same, PairLabel.Different });
        using var loss = new ContrastiveLoss();

        loss.Invoking(l => l.Compute(zeros(4), tensor(new long[] { 0, 0, 1, 1 }))).Should().Throw<ArgumentException>().WithMessage("*[N, D]*[4]*");
        loss.Invoking(l => l.Compute(zeros(4, 3), tensor(new long[] { 0, 1, 2 }))).Should().Throw<ArgumentException>().WithMessage("*[4]*[3]*");
        loss.Invoking(l => l.Compute(zeros(4, 3))).Should().Throw<ArgumentException>().WithMessage("*labels or pair/triplet tuples*");
        FluentActions.Invoking(() => new ContrastiveLoss(-1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("margin");
        FluentActions.Invoking(() => new ContrastiveLoss(double.NaN)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void On_a_labelled_batch_it_uses_all_pairs_or_the_miners_pairs()
    {
        using var scope = NewDisposeScope();
        // Two classes on a line: 0 and 1 are class 0, 3 and 10 are class 1.
        var embeddings = tensor(new float[] { 0, 1, 3, 10 }).reshape(4, 1);
        var labels = tensor(new long[] { 0, 0, 1, 1 });

        // All ordered pairs: positives (0,1),(1,0),(3,10),(10,3) cost 1,1,49,49; negatives within margin 2: none but |1-3| = 2 costs 0.
        var all = new ContrastiveLoss(margin: 2.0, reducer: KnownReducers.Sum).Compute(embeddings, labels);
        all.ShouldBeClose(100.0, 1e-4);

        // A pair-margin miner keeps only positives farther than 5 (the 3-10 pairs) and negatives closer than 2.5 (1-3).
        var mined = new ContrastiveLoss(margin: 2.0, reducer: KnownReducers.Sum, miner: new PairMarginMiner(positiveMargin: 5, negativeMargin: 2.5))
            .Evaluate(embeddings, labels);
        mined.Value.ShouldBeClose(98.0, 1e-4);
        mined.Tuples.item<long>().Should().Be(4); // (3,10), (10,3), (1,3), (3,1)
        mined.ActiveTuples.item<long>().Should().Be(2);
    }

    [Fact]
    public void With_a_similarity_the_margins_turn_round()
    {
        using var scope = NewDisposeScope();
        var first = tensor(new float[] { 1, 0, 1, 0 }).reshape(2, 2);
        var second = tensor(new float[] { 0.6f, 0.8f, 0.6f, 0.8f }).reshape(2, 2);
        using var targets = PairTargets.FromLabels(new[] { PairLabel.Same, PairLabel.Different });

        // Dot-product similarity 0.6 for both pairs: the same pair costs (1 - 0.6)^2, the different pair (0.6 - 0.5)^2.
        var perPair = new ContrastiveLoss(margin: 0.5, distance: new DotProductSimilarity(), reducer: KnownReducers.None, positiveMargin: 1.0)
            .ComputePairs(first, second, targets);

        perPair.ShouldBeClose(new[] { 0.16, 0.01 }, 1e-5);
    }
}
