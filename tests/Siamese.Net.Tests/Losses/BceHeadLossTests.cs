using System.Text.Json;
using Siamese.Net.Losses;
using Siamese.Net.Reducers;
using Siamese.Net.Tests.TestSupport;
using Siamese.Net.Tests.Reference;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Losses;

public sealed class BceHeadLossTests
{
    private static readonly JsonElement Ref = ReferenceData.Load("losses.json").GetProperty("bce_head");

    private static BceHeadLoss CreateWithReferenceWeights(IReducer reducer)
    {
        var loss = new BceHeadLoss(4, reducer);
        using var noGrad = no_grad();
        var parameters = loss.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var w = Ref.GetProperty("weight").Floats(1, 4);
        using var b = Ref.GetProperty("bias").Floats(1);
        parameters["out.weight"].copy_(w);
        parameters["out.bias"].copy_(b);
        return loss;
    }

    [Theory]
    [InlineData("mean")]
    [InlineData("sum")]
    [InlineData("none")]
    public void Value_and_gradients_match_PyTorch(string key)
    {
        using var scope = NewDisposeScope();
        using var loss = CreateWithReferenceWeights(key switch { "mean" => KnownReducers.Mean, "sum" => KnownReducers.Sum, _ => KnownReducers.None });
        var first = Ref.GetProperty("first").Floats(6, 4).requires_grad_();
        var second = Ref.GetProperty("second").Floats(6, 4).requires_grad_();
        using var targets = PairTargets.FromLabels(Ref.GetProperty("same").EnumerateArray()
            .Select(e => e.GetBoolean() ? PairLabel.Same : PairLabel.Different).ToArray());
        var expected = Ref.GetProperty(key);

        var value = loss.ComputePairs(first, second, targets);
        value.sum().backward();

        var parameters = loss.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var expectedValue = expected.GetProperty("value").Doubles();
        value.ShouldBeClose(key == "none" ? expectedValue.InItemOrder(targets) : expectedValue, 1e-5, 1e-5);
        first.grad!.ShouldBeClose(expected.GetProperty("grad_first").Doubles(), 1e-5, 1e-5);
        second.grad!.ShouldBeClose(expected.GetProperty("grad_second").Doubles(), 1e-5, 1e-5);
        parameters["out.weight"].grad!.ShouldBeClose(expected.GetProperty("grad_weight").Doubles(), 1e-5, 1e-5);
        parameters["out.bias"].grad!.ShouldBeClose(expected.GetProperty("grad_bias").Doubles(), 1e-5, 1e-5);
    }

    [Fact]
    public void Logits_and_same_probability_match_PyTorch()
    {
        using var scope = NewDisposeScope();
        using var loss = CreateWithReferenceWeights(KnownReducers.Mean);
        var first = Ref.GetProperty("first").Floats(6, 4);
        var second = Ref.GetProperty("second").Floats(6, 4);

        loss.Logits(first, second).ShouldBeClose(Ref.GetProperty("logits").Doubles(), 1e-5, 1e-5);
        loss.SameProbability(first, second).ShouldBeClose(Ref.GetProperty("probability").Doubles(), 1e-6, 1e-5);
    }

    [Fact]
    public void The_head_is_a_trainable_linear_layer_named_like_the_PyTorch_port()
    {
        using var loss = new BceHeadLoss(16);

        loss.named_parameters().Select(p => (p.name, p.parameter.shape))
            .Should().BeEquivalentTo(new[] { ("out.weight", new long[] { 1, 16 }), ("out.bias", new long[] { 1 }) });
        loss.parameters().All(p => p.requires_grad).Should().BeTrue();
    }

    [Fact]
    public void Wrong_embedding_size_is_rejected()
    {
        using var scope = NewDisposeScope();
        using var loss = new BceHeadLoss(4);

        loss.Invoking(l => l.SameProbability(zeros(2, 5), zeros(2, 5))).Should().Throw<ArgumentException>().WithMessage("*4-dimensional*[2, 5]*");
        FluentActions.Invoking(() => new BceHeadLoss(0)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
