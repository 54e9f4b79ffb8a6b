using Siamese.Net.Losses;

namespace Siamese.Net.Tests.Losses;

public sealed class CosFaceLossTests
{
    [Theory]
    [InlineData("main")]
    [InlineData("all_equal")]
    [InlineData("aligned")]
    [InlineData("misaligned")]
    public void Value_and_gradients_equal_the_PyTorch_reference(string set) =>
        LossReferenceCheck.AssertMatches(new CosFaceLoss(4, 8, scale: 64, margin: 0.35), "cosface/" + set);

    [Theory]
    [InlineData("aligned")]
    [InlineData("misaligned")]
    [InlineData("main")]
    public void Float32_runs_stay_finite_and_match_the_float32_reference(string set) =>
        LossReferenceCheck.AssertFiniteInFloat32(new CosFaceLoss(4, 8, scale: 64, margin: 0.35), "cosface/" + set);

    [Fact]
    public void A_large_float32_or_bfloat16_batch_stays_finite() => LossChecks.FiniteAtScale(new CosFaceLoss(32, 64));

    [Fact]
    public void The_class_weights_are_a_registered_trainable_parameter() => ProxyLossChecks.WeightsAreARegisteredParameter(new CosFaceLoss(4, 8), 4);

    [Fact]
    public void Bad_inputs_and_options_name_the_argument()
    {
        ProxyLossChecks.BadInputsNameTheArgument(new CosFaceLoss(4, 8));
        FluentActions.Invoking(() => new CosFaceLoss(4, 8, margin: 1.5)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("margin");
        FluentActions.Invoking(() => new CosFaceLoss(0, 8)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("classes");
    }
}
