using Siamese.Net.Losses;

namespace Siamese.Net.Tests.Losses;

public sealed class NormalizedSoftmaxLossTests
{
    [Theory]
    [InlineData("main")]
    [InlineData("all_equal")]
    [InlineData("aligned")]
    [InlineData("misaligned")]
    public void Value_and_gradients_equal_the_PyTorch_reference(string set) =>
        LossReferenceCheck.AssertMatches(new NormalizedSoftmaxLoss(4, 8, temperature: 0.05), "normalized_softmax/" + set);

    [Theory]
    [InlineData("aligned")]
    [InlineData("misaligned")]
    [InlineData("main")]
    public void Float32_runs_stay_finite_and_match_the_float32_reference(string set) =>
        LossReferenceCheck.AssertFiniteInFloat32(new NormalizedSoftmaxLoss(4, 8, temperature: 0.05), "normalized_softmax/" + set);

    [Fact]
    public void A_large_float32_or_bfloat16_batch_stays_finite() => LossChecks.FiniteAtScale(new NormalizedSoftmaxLoss(32, 64));

    [Fact]
    public void The_class_weights_are_a_registered_trainable_parameter() => ProxyLossChecks.WeightsAreARegisteredParameter(new NormalizedSoftmaxLoss(4, 8), 4);

    [Fact]
    public void Bad_inputs_and_options_name_the_argument()
    {
        ProxyLossChecks.BadInputsNameTheArgument(new NormalizedSoftmaxLoss(4, 8));
        FluentActions.Invoking(() => new NormalizedSoftmaxLoss(4, 8, temperature: 0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("temperature");
        FluentActions.Invoking(() => new NormalizedSoftmaxLoss(0, 8)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("classes");
    }
}
