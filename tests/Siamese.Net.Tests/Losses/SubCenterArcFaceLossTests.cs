using Siamese.Net.Losses;

namespace Siamese.Net.Tests.Losses;

public sealed class SubCenterArcFaceLossTests
{
    [Theory]
    [InlineData("main")]
    [InlineData("all_equal")]
    [InlineData("aligned")]
    [InlineData("misaligned")]
    [InlineData("arcface_threshold")]
    public void Value_and_gradients_equal_the_PyTorch_reference(string set) =>
        LossReferenceCheck.AssertMatches(new SubCenterArcFaceLoss(4, 8, subCenters: 3, scale: 64, margin: 0.5), "subcenter_arcface/" + set);

    [Theory]
    [InlineData("aligned")]
    [InlineData("misaligned")]
    [InlineData("main")]
    public void Float32_runs_stay_finite_and_match_the_float32_reference(string set) =>
        LossReferenceCheck.AssertFiniteInFloat32(new SubCenterArcFaceLoss(4, 8, subCenters: 3, scale: 64, margin: 0.5), "subcenter_arcface/" + set);

    [Fact]
    public void A_large_float32_or_bfloat16_batch_stays_finite() => LossChecks.FiniteAtScale(new SubCenterArcFaceLoss(32, 64));

    [Fact]
    public void The_class_weights_are_a_registered_trainable_parameter() => ProxyLossChecks.WeightsAreARegisteredParameter(new SubCenterArcFaceLoss(4, 8), 12);

    [Fact]
    public void Bad_inputs_and_options_name_the_argument()
    {
        ProxyLossChecks.BadInputsNameTheArgument(new SubCenterArcFaceLoss(4, 8));
        FluentActions.Invoking(() => new SubCenterArcFaceLoss(4, 8, subCenters: 0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("subCenters");
        FluentActions.Invoking(() => new SubCenterArcFaceLoss(0, 8)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("classes");
    }
}
