using Siamese.Net.Losses;
using Siamese.Net.Miners;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Losses;

public sealed class MultiSimilarityLossTests
{
    [Theory]
    [InlineData("main")]
    [InlineData("no_positive")]
    [InlineData("all_equal")]
    [InlineData("aligned")]
    public void Value_and_gradient_equal_the_PyTorch_reference(string set) =>
        LossReferenceCheck.AssertMatches(new MultiSimilarityLoss(alpha: 2, beta: 50, @base: 0.5), "multi_similarity/" + set);

    [Theory]
    [InlineData("main")]
    [InlineData("no_positive")]
    [InlineData("all_equal")]
    [InlineData("aligned")]
    public void With_the_multi_similarity_miner_it_equals_the_papers_mined_loss(string set) =>
        LossReferenceCheck.AssertMatches(new MultiSimilarityLoss(miner: new MultiSimilarityMiner(epsilon: 0.1)), "multi_similarity_mined/" + set);

    [Fact]
    public void Float32_runs_stay_finite_and_match_the_float32_reference()
    {
        LossReferenceCheck.AssertFiniteInFloat32(new MultiSimilarityLoss(), "multi_similarity/aligned");
        LossReferenceCheck.AssertFiniteInFloat32(new MultiSimilarityLoss(), "multi_similarity/main");
    }

    [Fact]
    public void A_batch_without_positive_pairs_gives_zero_loss_and_zero_gradient() => LossChecks.NoPositiveGivesZero(new MultiSimilarityLoss());

    [Fact]
    public void A_large_float32_or_bfloat16_batch_stays_finite() => LossChecks.FiniteAtScale(new MultiSimilarityLoss());

    [Fact]
    public void Bad_inputs_and_options_name_the_argument()
    {
        LossChecks.ShapeErrorsNameTheArgument(new MultiSimilarityLoss());
        FluentActions.Invoking(() => new MultiSimilarityLoss(alpha: 0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("alpha");
        FluentActions.Invoking(() => new MultiSimilarityLoss(beta: double.NaN)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("beta");
    }

    [Fact]
    public void Given_pairs_are_used_instead_of_all_pairs()
    {
        using var scope = NewDisposeScope();
        var x = LossReferenceCheck.Matrix(LossReferenceCheck.Inputs("main").GetProperty("embeddings"));
        var labels = LossReferenceCheck.Labels("main");
        var loss = new MultiSimilarityLoss();
        using var all = PairTuples.AllPairs(labels);
        loss.Compute(x, labels, all).item<double>().Should().BeApproximately(LossReferenceCheck.Case("multi_similarity/main").GetProperty("value").GetDouble(), 1e-9);
        using var mined = new MultiSimilarityMiner(0.1).Mine(x, labels, loss.Distance);
        loss.Compute(x, null, mined).item<double>().Should().BeApproximately(LossReferenceCheck.Case("multi_similarity_mined/main").GetProperty("value").GetDouble(), 1e-9);
    }

    [Fact]
    public void Needs_two_images_per_class() => new MultiSimilarityLoss().MinimumImagesPerClass.Should().Be(2);
}
