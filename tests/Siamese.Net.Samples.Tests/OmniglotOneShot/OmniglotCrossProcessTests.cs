using System.Text.RegularExpressions;
using Siamese.Net.Samples.Common.Synthetic;
using Siamese.Net.Samples.Tests.TestSupport;

namespace Siamese.Net.Samples.Tests.OmniglotOneShot;

/// <summary>
/// The sample run twice, each time in a new process, on the same data and seed: the rotated-class batches (and so the
/// training loss, validation loss and every result) must be the same. A batch seed taken from anything .NET randomises
/// per process (HashCode.Combine, string hash codes) draws other batches in the second process and fails this.
/// </summary>
[Collection(OmniglotConsoleCollection.Name)]
public sealed partial class OmniglotCrossProcessTests
{
    [Fact]
    public void Two_processes_with_the_same_seed_train_on_the_same_batches()
    {
        using var temp = new TempFolder();
        GlyphDatasetGenerator.Generate(temp.Sub("background"), new GlyphDatasetOptions { Alphabets = 3, CharactersPerAlphabet = 6, Drawers = 3, Seed = 7 });
        string[] args = ["--train", temp.Sub("background"), "--epochs", "1", "--steps-per-epoch", "3", "--classes-per-batch", "6", "--images-per-class", "2",
            "--ways", "5", "--test-runs", "4", "--test-alphabets", "1", "--shift", "1", "--seed", "11"];

        var first = RunChild([.. args, "--output", temp.Sub("a")]);
        var second = RunChild([.. args, "--output", temp.Sub("b")]);

        var losses = LossPattern().Match(first);
        losses.Success.Should().BeTrue(first);
        LossPattern().Match(second).Value.Should().Be(losses.Value, "the same seed draws the same batches in every process");
        File.ReadAllText(Path.Combine(temp.Sub("b"), "results.txt")).Should().Be(File.ReadAllText(Path.Combine(temp.Sub("a"), "results.txt")));
    }

    private static string RunChild(string[] args)
    {
        var (code, stdout, stderr) = SampleProcess.Run("OmniglotOneShot", args);
        code.Should().Be(0, stdout + stderr);
        return stdout;
    }

    [GeneratedRegex(@"train loss \d+\.\d+\s+validation loss \d+\.\d+")]
    private static partial Regex LossPattern();
}
