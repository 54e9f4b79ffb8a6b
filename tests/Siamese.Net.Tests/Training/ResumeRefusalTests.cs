using Siamese.Net.Losses;
using Siamese.Net.Tests.TestSupport;
using Siamese.Net.Training;

namespace Siamese.Net.Tests.Training;

/// <summary>
/// Resuming with options that would silently change the run (another learning rate, optimizer or seed) is refused,
/// naming both, before any weight is loaded.
/// </summary>
public sealed class ResumeRefusalTests
{
    private static readonly SyntheticClasses Classes = new(classes: 4);

    public static TheoryData<string> Changes => ["learning rate", "optimizer", "seed"];

    [Theory]
    [MemberData(nameof(Changes))]
    public void Resuming_with_a_different_learning_rate_optimizer_or_seed_is_refused_naming_both(string change)
    {
        using var folder = new TempDirectory();
        var original = new SiameseTrainerOptions { Epochs = 1, KeepBest = false, CheckpointDirectory = folder.Path, Optimizer = KnownOptimizers.Adam(1e-3) };
        var source = new SyntheticPairSource(Classes, batches: 2);
        using (var network = TinyEncoder.Create())
        using (var loss = new ContrastiveLoss())
        {
            new SiameseTrainer(original).Fit(network, loss, source);
        }

        string last = Path.Combine(folder.Path, "last.ckpt");
        var resumed = change switch
        {
            "learning rate" => original with { Epochs = 2, ResumeFrom = last, Optimizer = KnownOptimizers.Adam(1e-2) },
            "optimizer" => original with { Epochs = 2, ResumeFrom = last, Optimizer = KnownOptimizers.Sgd(1e-3) },
            _ => original with { Epochs = 2, ResumeFrom = last, Seed = 43 },
        };
        using var fresh = TinyEncoder.Create(seed: 21);
        using var freshLoss = new ContrastiveLoss();
        var before = TinyEncoder.Weights(fresh);

        FluentActions.Invoking(() => new SiameseTrainer(resumed).Fit(fresh, freshLoss, source))
            .Should().Throw<ArgumentException>().WithMessage($"*{last}*Resume with the options of the original run*");
        TinyEncoder.Weights(fresh).Should().Equal(before, "nothing is loaded from a refused checkpoint");
    }
}
