using System.Text.Json;
using Siamese.Net.Distances;
using Siamese.Net.Losses;
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
    [InlineData(2.0, Reduction.Mean, "mean")]
    [InlineData(2.0, Reduction.Sum, "sum")]
    [InlineData(2.0, Reduction.None, "none")]
    [InlineData(1.0, Reduction.Mean, "mean")]
    [InlineData(1.0, Reduction.Sum, "sum")]
    [InlineData(1.0, Reduction.None, "none")]
    public void Value_and_gradient_match_the_tutorials_PyTorch_code(double margin, Reduction reduction, string key)
    {
        using var scope = NewDisposeScope();
        var data = Ref.GetProperty("contrastive");
        var expected = data.GetProperty($"margin{margin:0.0}_{key}");
        var first = data.GetProperty("first").Floats(6, 4).requires_grad_();
        var second = data.GetProperty("second").Floats(6, 4).requires_grad_();
        using var targets = Targets(data.GetProperty("same"));

        var loss = new ContrastiveLoss(margin, reduction: reduction).Compute(first, second, targets);
        loss.sum().backward();

        loss.shape.Should().Equal(reduction == Reduction.None ? new long[] { 6 } : Array.Empty<long>());
        loss.ShouldBeClose(expected.GetProperty("value").Doubles(), 1e-5, 1e-5);
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

        var loss = new ContrastiveLoss(margin: 1.0, halve: true).Compute(first, second, targets);
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
        loss.Reduction.Should().Be(Reduction.Mean);
        loss.Halve.Should().BeFalse();
    }

    [Fact]
    public void Same_pairs_cost_their_squared_distance_and_far_different_pairs_nothing()
    {
        using var scope = NewDisposeScope();
        var first = tensor(new float[] { 0, 0, 0, 0, 0, 0 }).reshape(3, 2);
        var second = tensor(new float[] { 3, 4, 3, 4, 1, 0 }).reshape(3, 2);
        using var targets = PairTargets.FromLabels(new[] { PairLabel.Same, PairLabel.Different, PairLabel.Different });

        var perPair = new ContrastiveLoss(margin: 2.0, reduction: Reduction.None).Compute(first, second, targets);

        perPair.ShouldBeClose(new[] { 25.0, 0.0, 1.0 }, 1e-5);
    }

    [Fact]
    public void A_cosine_distance_can_be_injected()
    {
        using var scope = NewDisposeScope();
        var first = tensor(new float[] { 1, 0 }).reshape(1, 2);
        var second = tensor(new float[] { 0, 1 }).reshape(1, 2);
        using var targets = PairTargets.FromLabels(new[] { PairLabel.Same });

        new ContrastiveLoss(distance: new CosineDistance()).Compute(first, second, targets).item<float>()
            .Should().BeApproximately(1f, 1e-6f);
    }

    [Fact]
    public void Bad_input_and_options_are_rejected()
    {
        using var scope = NewDisposeScope();
        using var targets = PairTargets.FromLabels(new[] { PairLabel.Same, PairLabel.Different });
        using var loss = new ContrastiveLoss();

        loss.Invoking(l => l.Compute(zeros(2, 3), zeros(2, 4), targets)).Should().Throw<ArgumentException>().WithMessage("*[2, 3]*[2, 4]*");
        loss.Invoking(l => l.Compute(zeros(3, 4), zeros(3, 4), targets)).Should().Throw<ArgumentException>().WithMessage("*3*2*");
        FluentActions.Invoking(() => new ContrastiveLoss(-1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("margin");
        FluentActions.Invoking(() => new ContrastiveLoss(double.NaN)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new ContrastiveLoss(reduction: (Reduction)7)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
