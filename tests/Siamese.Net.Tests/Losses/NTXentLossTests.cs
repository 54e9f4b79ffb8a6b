using Siamese.Net.Losses;

namespace Siamese.Net.Tests.Losses;

public sealed class NTXentLossTests
{
    [Theory]
    [InlineData("main")]
    [InlineData("no_positive")]
    [InlineData("all_equal")]
    [InlineData("aligned")]
    public void Value_and_gradient_equal_the_PyTorch_reference(string set) =>
        LossReferenceCheck.AssertMatches(new NTXentLoss(temperature: 0.1), "nt_xent_t0.1/" + set);

    [Theory]
    [InlineData("main")]
    [InlineData("no_positive")]
    [InlineData("all_equal")]
    [InlineData("aligned")]
    public void Value_and_gradient_equal_the_PyTorch_reference_with_other_parameters(string set) =>
        LossReferenceCheck.AssertMatches(new NTXentLoss(temperature: 0.5), "nt_xent_t0.5/" + set);

    [Fact]
    public void Float32_runs_stay_finite_and_match_the_float32_reference()
    {
        LossReferenceCheck.AssertFiniteInFloat32(new NTXentLoss(temperature: 0.1), "nt_xent_t0.1/aligned");
        LossReferenceCheck.AssertFiniteInFloat32(new NTXentLoss(temperature: 0.1), "nt_xent_t0.1/main");
    }

    [Fact]
    public void A_batch_without_positive_pairs_gives_zero_loss_and_zero_gradient() => LossChecks.NoPositiveGivesZero(new NTXentLoss());

    [Fact]
    public void A_large_float32_or_bfloat16_batch_stays_finite() => LossChecks.FiniteAtScale(new NTXentLoss());

    [Fact]
    public void Bad_inputs_and_options_name_the_argument()
    {
        LossChecks.ShapeErrorsNameTheArgument(new NTXentLoss());
        FluentActions.Invoking(() => new NTXentLoss(temperature: 0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("temperature");
    }

    [Fact]
    public void Needs_two_images_per_class() => new NTXentLoss().MinimumImagesPerClass.Should().Be(2);
}
