using Siamese.Net.Losses;

namespace Siamese.Net.Tests.Losses;

public sealed class CircleLossTests
{
    [Theory]
    [InlineData("main")]
    [InlineData("no_positive")]
    [InlineData("all_equal")]
    [InlineData("aligned")]
    public void Value_and_gradient_equal_the_PyTorch_reference(string set) =>
        LossReferenceCheck.AssertMatches(new CircleLoss(margin: 0.25, gamma: 256), "circle_gamma256/" + set);

    [Theory]
    [InlineData("main")]
    [InlineData("no_positive")]
    [InlineData("all_equal")]
    [InlineData("aligned")]
    public void Value_and_gradient_equal_the_PyTorch_reference_with_other_parameters(string set) =>
        LossReferenceCheck.AssertMatches(new CircleLoss(margin: 0.25, gamma: 80), "circle_gamma80/" + set);

    [Fact]
    public void Float32_runs_stay_finite_and_match_the_float32_reference()
    {
        LossReferenceCheck.AssertFiniteInFloat32(new CircleLoss(margin: 0.25, gamma: 256), "circle_gamma256/aligned");
        LossReferenceCheck.AssertFiniteInFloat32(new CircleLoss(margin: 0.25, gamma: 256), "circle_gamma256/main");
    }

    [Fact]
    public void A_batch_without_positive_pairs_gives_zero_loss_and_zero_gradient() => LossChecks.NoPositiveGivesZero(new CircleLoss());

    [Fact]
    public void A_large_float32_or_bfloat16_batch_stays_finite() => LossChecks.FiniteAtScale(new CircleLoss());

    [Fact]
    public void Bad_inputs_and_options_name_the_argument()
    {
        LossChecks.ShapeErrorsNameTheArgument(new CircleLoss());
        FluentActions.Invoking(() => new CircleLoss(gamma: 0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("gamma");
    }

    [Fact]
    public void Needs_two_images_per_class() => new CircleLoss().MinimumImagesPerClass.Should().Be(2);
}
