using Siamese.Net.Losses;

namespace Siamese.Net.Tests.Losses;

public sealed class ProxyAnchorLossTests
{
    [Theory]
    [InlineData("main")]
    [InlineData("all_equal")]
    [InlineData("aligned")]
    [InlineData("misaligned")]
    public void Value_and_gradients_equal_the_PyTorch_reference(string set) =>
        LossReferenceCheck.AssertMatches(new ProxyAnchorLoss(4, 8, alpha: 32, margin: 0.1), "proxy_anchor/" + set);

    [Theory]
    [InlineData("aligned")]
    [InlineData("misaligned")]
    [InlineData("main")]
    public void Float32_runs_stay_finite_and_match_the_float32_reference(string set) =>
        LossReferenceCheck.AssertFiniteInFloat32(new ProxyAnchorLoss(4, 8, alpha: 32, margin: 0.1), "proxy_anchor/" + set);

    [Fact]
    public void A_large_float32_or_bfloat16_batch_stays_finite() => LossChecks.FiniteAtScale(new ProxyAnchorLoss(32, 64));

    [Fact]
    public void The_class_weights_are_a_registered_trainable_parameter() => ProxyLossChecks.WeightsAreARegisteredParameter(new ProxyAnchorLoss(4, 8), 4);

    [Fact]
    public void Bad_inputs_and_options_name_the_argument()
    {
        ProxyLossChecks.BadInputsNameTheArgument(new ProxyAnchorLoss(4, 8));
        FluentActions.Invoking(() => new ProxyAnchorLoss(4, 8, alpha: 0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("alpha");
        FluentActions.Invoking(() => new ProxyAnchorLoss(0, 8)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("classes");
    }
}
