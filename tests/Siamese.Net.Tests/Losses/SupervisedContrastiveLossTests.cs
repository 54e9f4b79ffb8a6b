using Siamese.Net.Losses;

namespace Siamese.Net.Tests.Losses;

public sealed class SupervisedContrastiveLossTests
{
    [Theory]
    [InlineData("main")]
    [InlineData("no_positive")]
    [InlineData("all_equal")]
    [InlineData("aligned")]
    public void Value_and_gradient_equal_the_PyTorch_reference(string set) =>
        LossReferenceCheck.AssertMatches(new SupervisedContrastiveLoss(temperature: 0.1), "supervised_contrastive/" + set);

    [Fact]
    public void Float32_runs_stay_finite_and_match_the_float32_reference()
    {
        LossReferenceCheck.AssertFiniteInFloat32(new SupervisedContrastiveLoss(temperature: 0.1), "supervised_contrastive/aligned");
        LossReferenceCheck.AssertFiniteInFloat32(new SupervisedContrastiveLoss(temperature: 0.1), "supervised_contrastive/main");
    }

    [Fact]
    public void A_batch_without_positive_pairs_gives_zero_loss_and_zero_gradient() => LossChecks.NoPositiveGivesZero(new SupervisedContrastiveLoss());

    [Fact]
    public void A_large_float32_or_bfloat16_batch_stays_finite() => LossChecks.FiniteAtScale(new SupervisedContrastiveLoss());

    [Fact]
    public void Bad_inputs_and_options_name_the_argument()
    {
        LossChecks.ShapeErrorsNameTheArgument(new SupervisedContrastiveLoss());
        FluentActions.Invoking(() => new SupervisedContrastiveLoss(temperature: -1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("temperature");
    }

    [Fact]
    public void Needs_two_images_per_class() => new SupervisedContrastiveLoss().MinimumImagesPerClass.Should().Be(2);
}
