using System.Globalization;
using FaceSimilarity;
using Siamese.Net;
using Siamese.Net.Data;
using Siamese.Net.Encoders;
using Siamese.Net.Inference;
using Siamese.Net.Samples.Common.Cli;
using Siamese.Net.Samples.Common.Synthetic;
using Spectre.Console.Testing;

namespace Siamese.Net.Samples.Tests.FaceSimilarity;

public sealed class FaceSimilaritySampleTests
{
    [Fact]
    public void One_epoch_on_generated_faces_ends_with_the_result_lines_and_writes_every_output()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("faces");
        FaceDatasetGenerator.Generate(data, new FaceDatasetOptions { Subjects = 14, ImagesPerSubject = 4, Seed = 3 });
        string output = temp.Sub("out");
        var console = new TestConsole();
        console.Profile.Width = 160;

        int code = SampleHost.Run<FaceSimilarityCommand>(
            ["--data", data, "--output", output, "--epochs", "1", "--image-size", "24", "--embedding-size", "8",
             "--pairs-per-epoch", "64", "--batch-size", "32", "--validation-subjects", "2", "--episodes", "20"],
            "FaceSimilarity", "test", console);

        code.Should().Be(ExitCodes.Success, console.Output);
        var lines = console.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[^3..].Select(l => l.Split('=')[0]).Should().Equal("RESULT eer", "RESULT auc", "RESULT accuracy_10way_1shot");
        foreach (string line in lines[^3..])
        {
            double value = double.Parse(line.Split('=')[1], CultureInfo.InvariantCulture);
            value.Should().BeInRange(0, 1);
        }

        console.Output.Should().Contain("train s1-s2 (2 subjects), validation s3-s4 (2 subjects)").And.Contain("s5-s14 (10 subjects)");
        foreach (string file in new[] { "loss.png", "roc.png", "distances.png", FaceSimilarityCommand.PairGridFileName, "results.txt", FaceSimilarityCommand.ClassifierFileName })
        {
            new FileInfo(Path.Combine(output, file)).Length.Should().BeGreaterThan(0, file);
        }

        File.ReadAllText(Path.Combine(output, "results.txt")).Should().Be(string.Join("\n", lines[^3..]) + "\n");

        // The saved classifier is the deliverable: it loads into a fresh network and knows the ten test subjects.
        using var network = new SiameseNetwork(new FaceSimilarityNet(new EncoderOptions { InputHeight = 24, InputWidth = 24, EmbeddingSize = 8 }));
        using var loaded = OneShotClassifier.Load(Path.Combine(output, FaceSimilarityCommand.ClassifierFileName), network);
        loaded.Classes.Should().HaveCount(10).And.Contain("s5").And.Contain("s14");
        loaded.Threshold.Should().NotBeNull();
        loaded.Predict(Path.Combine(data, "s5", "1.pgm")).Label.Should().Be("s5", "its own support image is at distance zero");
    }

    [Fact]
    public void Subjects_split_in_numeric_order_unseen_by_default_and_the_tutorials_last_three()
    {
        var names = Enumerable.Range(1, 40).Select(n => $"s{n}").Order(StringComparer.Ordinal).ToArray();
        var images = names.SelectMany((_, c) => Enumerable.Range(1, 10).Select(k => new LabelledImage($"/att/{names[c]}/{k}.pgm", c))).ToArray();
        var faces = ImageFolderDataset.FromImages("/att", names, images);

        var unseen = FaceSplit.Create(faces, FaceSplitKind.Unseen, validationSubjects: 5);
        unseen.Test.ClassNames.Should().Equal(Enumerable.Range(31, 10).Select(n => $"s{n}"));
        unseen.Validation.ClassNames.Should().Equal(Enumerable.Range(26, 5).Select(n => $"s{n}"));
        unseen.Train.ClassNames.Should().Equal(Enumerable.Range(1, 25).Select(n => $"s{n}"));
        unseen.Test.Images.Should().HaveCount(100).And.OnlyContain(i => i.Path.StartsWith("/att/s3", StringComparison.Ordinal) || i.Path.StartsWith("/att/s40/", StringComparison.Ordinal));

        var tutorial = FaceSplit.Create(faces, FaceSplitKind.Tutorial, validationSubjects: 5);
        tutorial.Test.ClassNames.Should().Equal("s38", "s39", "s40");
        tutorial.Validation.ClassNames.Should().Equal("s33", "s34", "s35", "s36", "s37");
        tutorial.Train.ClassCount.Should().Be(32);
    }

    [Fact]
    public void Validation_pairs_are_every_same_pair_and_as_many_different_ones()
    {
        var names = new[] { "s1", "s2", "s3" };
        var images = names.SelectMany((_, c) => Enumerable.Range(1, 4).Select(k => new LabelledImage($"/f/{names[c]}/{k}.pgm", c))).ToArray();
        var pairs = FaceSimilarityCommand.BalancedValidationPairs(ImageFolderDataset.FromImages("/f", names, images), seed: 1);

        pairs.Count(p => p.Label == PairLabel.Same).Should().Be(3 * 6);
        pairs.Count(p => p.Label == PairLabel.Different).Should().Be(18);
        pairs.Where(p => p.Label == PairLabel.Different).Should().OnlyContain(p => Path.GetDirectoryName(p.First) != Path.GetDirectoryName(p.Second));
        pairs.Should().OnlyHaveUniqueItems();
    }

    [Theory]
    [InlineData(new[] { "--split", "random" }, "--split must be 'unseen' or 'tutorial'")]
    [InlineData(new[] { "--image-size", "4" }, "--image-size must be between 8 and 512")]
    [InlineData(new[] { "--episodes", "0" }, "--episodes must be at least 1")]
    public void Bad_options_exit_with_the_usage_code_and_say_why(string[] args, string expected)
    {
        var console = new TestConsole();
        console.Profile.Width = 200;

        int code = SampleHost.Run<FaceSimilarityCommand>(args, "FaceSimilarity", "test", console);

        code.Should().Be(ExitCodes.InvalidArguments);
        console.Output.Should().Contain(expected);
    }

    [Fact]
    public void Too_few_subjects_for_the_split_is_explained()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("faces");
        FaceDatasetGenerator.Generate(data, new FaceDatasetOptions { Subjects = 12, ImagesPerSubject = 2, Seed = 1 });
        var console = new TestConsole();
        console.Profile.Width = 300;

        int code = SampleHost.Run<FaceSimilarityCommand>(["--data", data, "--output", temp.Sub("out")], "FaceSimilarity", "test", console);

        code.Should().Be(ExitCodes.Failure);
        console.Output.Should().Contain("has 12 subjects").And.Contain("needs at least 17");
    }
}
