using Siamese.Net.Losses;

namespace Siamese.Net.Tests.Losses;

public sealed class ArcFaceLossTests
{
    [Theory]
    [InlineData("main")]
    [InlineData("all_equal")]
    [InlineData("aligned")]
    [InlineData("misaligned")]
    [InlineData("arcface_threshold")]
    public void Value_and_gradients_equal_the_PyTorch_reference(string set) =>
        LossReferenceCheck.AssertMatches(new ArcFaceLoss(4, 8, scale: 64, margin: 0.5), "arcface/" + set);

    [Theory]
    [InlineData("aligned")]
    [InlineData("misaligned")]
    [InlineData("main")]
    public void Float32_runs_stay_finite_and_match_the_float32_reference(string set) =>
        LossReferenceCheck.AssertFiniteInFloat32(new ArcFaceLoss(4, 8, scale: 64, margin: 0.5), "arcface/" + set);

    [Fact]
    public void A_large_float32_or_bfloat16_batch_stays_finite() => LossChecks.FiniteAtScale(new ArcFaceLoss(32, 64));

    [Fact]
    public void The_class_weights_are_a_registered_trainable_parameter() => ProxyLossChecks.WeightsAreARegisteredParameter(new ArcFaceLoss(4, 8), 4);

    [Fact]
    public void Bad_inputs_and_options_name_the_argument()
    {
        ProxyLossChecks.BadInputsNameTheArgument(new ArcFaceLoss(4, 8));
        FluentActions.Invoking(() => new ArcFaceLoss(4, 8, margin: 2)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("margin");
        FluentActions.Invoking(() => new ArcFaceLoss(0, 8)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("classes");
    }
}
