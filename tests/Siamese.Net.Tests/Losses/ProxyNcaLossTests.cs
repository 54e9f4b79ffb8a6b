using Siamese.Net.Losses;

namespace Siamese.Net.Tests.Losses;

public sealed class ProxyNcaLossTests
{
    [Theory]
    [InlineData("main")]
    [InlineData("all_equal")]
    [InlineData("aligned")]
    [InlineData("misaligned")]
    public void Value_and_gradients_equal_the_PyTorch_reference(string set) =>
        LossReferenceCheck.AssertMatches(new ProxyNcaLoss(4, 8, scale: 1), "proxy_nca_scale1/" + set);

    [Theory]
    [InlineData("main")]
    [InlineData("all_equal")]
    [InlineData("aligned")]
    [InlineData("misaligned")]
    public void Value_and_gradients_equal_the_PyTorch_reference_with_other_parameters(string set) =>
        LossReferenceCheck.AssertMatches(new ProxyNcaLoss(4, 8, scale: 3), "proxy_nca_scale3/" + set);

    [Theory]
    [InlineData("aligned")]
    [InlineData("misaligned")]
    [InlineData("main")]
    public void Float32_runs_stay_finite_and_match_the_float32_reference(string set) =>
        LossReferenceCheck.AssertFiniteInFloat32(new ProxyNcaLoss(4, 8, scale: 1), "proxy_nca_scale1/" + set);

    [Fact]
    public void A_large_float32_or_bfloat16_batch_stays_finite() => LossChecks.FiniteAtScale(new ProxyNcaLoss(32, 64));

    [Fact]
    public void The_class_weights_are_a_registered_trainable_parameter() => ProxyLossChecks.WeightsAreARegisteredParameter(new ProxyNcaLoss(4, 8), 4);

    [Fact]
    public void Bad_inputs_and_options_name_the_argument()
    {
        ProxyLossChecks.BadInputsNameTheArgument(new ProxyNcaLoss(4, 8));
        FluentActions.Invoking(() => new ProxyNcaLoss(4, 8, scale: -2)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("scale");
        FluentActions.Invoking(() => new ProxyNcaLoss(0, 8)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("classes");
    }
}
