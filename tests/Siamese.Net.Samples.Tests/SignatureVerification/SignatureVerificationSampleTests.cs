using System.Globalization;
using Siamese.Net.Samples.Common.Cli;
using Siamese.Net.Samples.Common.Synthetic;
using Siamese.Net.Samples.SignatureVerification;
using Spectre.Console.Testing;

namespace Siamese.Net.Samples.Tests.SignatureVerification;

public sealed class SignatureVerificationSampleTests
{
    private static readonly string[] ResultNames = ["eer", "auc", "accuracy"];

    [Fact]
    public void One_epoch_on_a_tiny_set_without_test_folder_writes_every_artefact_and_ends_with_the_result_lines()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("sign_data");
        SignatureDatasetGenerator.Generate(data, new SignatureDatasetOptions
        {
            TrainWriters = 10,
            GenuinePerWriter = 4,
            ForgersPerWriter = 1,
            ForgeriesPerForger = 3,
            SamePairsPerAnchor = 2,
            ForgedPairsPerAnchor = 2,
            Seed = 3,
        });
        string output = temp.Sub("out");
        var console = new TestConsole();

        int code = SampleHost.Run<SignatureVerificationCommand>(
            ["--data", data, "--epochs", "1", "--output", output, "--image-size", "32x64", "--pairs-per-epoch", "48", "--seed", "5"],
            "SignatureVerification", "test", console);

        code.Should().Be(ExitCodes.Success, console.Output);
        var lines = console.Output.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var last = lines[^3..];
        last.Select(l => l.Split('=')[0]).Should().Equal(ResultNames.Select(n => "RESULT " + n));
        foreach (string line in last)
        {
            double value = double.Parse(line.Split('=')[1], CultureInfo.InvariantCulture);
            value.Should().BeInRange(0, 1);
        }

        File.ReadAllLines(Path.Combine(output, "results.txt")).Should().Equal(last);
        foreach (string file in new[] { "loss.png", "roc.png", "distances.png", SignatureVerificationCommand.PairGridFileName, SignatureVerificationCommand.ClassifierFileName })
        {
            new FileInfo(Path.Combine(output, file)).Length.Should().BeGreaterThan(0, file);
        }

        console.Output.Should().Contain("held out", "without test/ the sample holds out writers itself");
    }

    [Fact]
    public void Writer_split_is_disjoint_counts_forgery_folders_as_their_writer_and_repeats_for_a_seed()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("sign_data");
        SignatureDatasetGenerator.Generate(data, new SignatureDatasetOptions
        {
            TrainWriters = 12,
            GenuinePerWriter = 3,
            ForgersPerWriter = 1,
            ForgeriesPerForger = 2,
            SamePairsPerAnchor = 1,
            ForgedPairsPerAnchor = 1,
            Seed = 4,
        });

        var split = SignatureData.Load(data, validationFraction: 0.2, testFraction: 0.25, seed: 9);
        var again = SignatureData.Load(data, validationFraction: 0.2, testFraction: 0.25, seed: 9);

        split.TestFromFolder.Should().BeFalse();
        split.TestWriters.Should().HaveCount(3);
        split.ValidationWriters.Should().HaveCount(2);
        split.TrainWriters.Should().HaveCount(7);
        split.TrainWriters.Concat(split.ValidationWriters).Concat(split.TestWriters).Should().OnlyHaveUniqueItems();
        again.TestWriters.Should().Equal(split.TestWriters);
        again.ValidationWriters.Should().Equal(split.ValidationWriters);
        AssertWithin(split.Train, split.TrainWriters);
        AssertWithin(split.Validation, split.ValidationWriters);
        AssertWithin(split.Test, split.TestWriters);
        split.Train.Count.Should().BeGreaterThan(0);
        split.Test.Should().Contain(p => p.Label == PairLabel.Different && p.Second.Contains("_forg", StringComparison.Ordinal));
        SignatureData.WriterOf("/x/train/033_forg/03_0203033.PNG").Should().Be("033");
        SignatureData.WriterOf("/x/train/033/02_033.png").Should().Be("033");
    }

    [Fact]
    public void A_test_folder_is_used_as_the_test_set_and_validation_comes_from_the_training_writers()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("sign_data");
        SignatureDatasetGenerator.Generate(data, new SignatureDatasetOptions
        {
            TrainWriters = 8,
            TestWriters = 3,
            GenuinePerWriter = 3,
            ForgersPerWriter = 1,
            ForgeriesPerForger = 2,
            SamePairsPerAnchor = 1,
            ForgedPairsPerAnchor = 1,
            Seed = 4,
        });

        var split = SignatureData.Load(data, validationFraction: 0.25, testFraction: 0.5, seed: 1);

        split.TestFromFolder.Should().BeTrue();
        split.TestWriters.Should().HaveCount(3);
        split.Test.Should().OnlyContain(p => p.First.Contains(Path.Combine(data, "test"), StringComparison.Ordinal));
        split.ValidationWriters.Should().HaveCount(2);
        split.TrainWriters.Should().HaveCount(6);
        split.Train.Concat(split.Validation).Should().OnlyContain(p => p.First.Contains(Path.Combine(data, "train"), StringComparison.Ordinal));
    }

    private static void AssertWithin(IReadOnlyList<Siamese.Net.Data.ImagePair> pairs, IReadOnlyList<string> writers) =>
        pairs.Should().OnlyContain(p => writers.Contains(SignatureData.WriterOf(p.First)) && writers.Contains(SignatureData.WriterOf(p.Second)));
}
