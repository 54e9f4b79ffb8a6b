using OmniglotOneShot;
using Siamese.Net.Inference;
using Siamese.Net.Samples.Common.Cli;
using Siamese.Net.Samples.Common.Synthetic;
using Spectre.Console.Testing;

namespace Siamese.Net.Samples.Tests.OmniglotOneShot;

/// <summary>
/// Runs the sample's command in process on a tiny generated set, one short epoch, through both evaluation paths:
/// runs drawn from held-out alphabets, and Lake-layout runs assembled from other alphabets (as Omniglot's
/// evaluation set is used).
/// </summary>
[Collection(OmniglotConsoleCollection.Name)]
public sealed class OmniglotOneShotSmokeTests
{
    private static readonly string[] Tiny =
    [
        "--epochs", "1", "--steps-per-epoch", "2", "--classes-per-batch", "6", "--images-per-class", "2", "--ways", "5", "--test-runs", "6",
    ];

    [Fact]
    public void Held_out_alphabets_path_ends_with_the_result_line_and_writes_every_output()
    {
        using var temp = new TempFolder();
        GlyphDatasetGenerator.Generate(temp.Sub("background"), new GlyphDatasetOptions { Alphabets = 4, CharactersPerAlphabet = 6, Drawers = 3, Seed = 2 });

        var (code, stdout, console) = Run([.. Tiny, "--train", temp.Sub("background"), "--test-alphabets", "1", "--validation-alphabets", "1", "--output", temp.Sub("out")]);

        code.Should().Be(ExitCodes.Success, console);
        console.Should().Contain("5-way 1-shot on 6 held-out runs");
        console.Should().MatchRegex(@"Per test alphabet: \S+ [01]\.\d{3}");
        AssertResultAndOutputs(stdout, temp.Sub("out"), "accuracy_5way_1shot");
    }

    [Fact]
    public void Lake_runs_path_reads_runs_built_from_other_alphabets()
    {
        using var temp = new TempFolder();
        GlyphDatasetGenerator.Generate(temp.Sub("background"), new GlyphDatasetOptions { Alphabets = 3, CharactersPerAlphabet = 6, Drawers = 3, Seed = 3 });
        GlyphDatasetGenerator.Generate(temp.Sub("evaluation"), new GlyphDatasetOptions { Alphabets = 2, CharactersPerAlphabet = 5, Drawers = 3, Seed = 4 });
        OneShotRunBuilder.Build(temp.Sub("evaluation"), temp.Sub("runs"), new OneShotRunOptions { Runs = 3, Ways = 5, Seed = 1 });

        var (code, stdout, console) = Run([.. Tiny, "--train", temp.Sub("background"), "--runs", temp.Sub("runs"), "--validation-alphabets", "1", "--output", temp.Sub("out")]);

        code.Should().Be(ExitCodes.Success, console);
        console.Should().Contain("5-way 1-shot on 3 Lake runs (15 queries)");
        AssertResultAndOutputs(stdout, temp.Sub("out"), "accuracy_5way_1shot");
    }

    [Fact]
    public void A_missing_runs_folder_exits_with_the_missing_data_code()
    {
        using var temp = new TempFolder();
        GlyphDatasetGenerator.Generate(temp.Sub("background"), new GlyphDatasetOptions { Alphabets = 3, CharactersPerAlphabet = 6, Drawers = 3 });

        var (code, _, console) = Run(["--train", temp.Sub("background"), "--runs", temp.Sub("nowhere"), "--output", temp.Sub("out")]);

        code.Should().Be(ExitCodes.MissingData);
        console.Should().Contain("--runs");
    }

    private static (int Code, string Stdout, string Console) Run(string[] args)
    {
        var console = new TestConsole();
        console.Profile.Width = 250;
        var stdout = new StringWriter();
        var previous = System.Console.Out;
        System.Console.SetOut(stdout);
        try
        {
            int code = SampleHost.Run<OmniglotCommand>(args, "OmniglotOneShot", "test", console);
            return (code, stdout.ToString(), console.Output);
        }
        finally
        {
            System.Console.SetOut(previous);
        }
    }

    private static void AssertResultAndOutputs(string stdout, string output, string metric)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().NotBeEmpty();
        lines[^1].Should().MatchRegex($"^RESULT {metric}=(0|1)\\.\\d{{4}}$");
        double accuracy = double.Parse(lines[^1].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture);
        accuracy.Should().BeInRange(0, 1);
        File.ReadAllText(Path.Combine(output, "results.txt")).Trim().Should().Be(lines[^1]);
        foreach (var file in new[] { "loss.png", "roc.png", "distances.png", "pairs.png" })
        {
            Png.Header(Path.Combine(output, file)).Width.Should().BeGreaterThan(0, file);
        }

        using var encoder = new Siamese.Net.SiameseNetwork(new Siamese.Net.Encoders.Conv4Encoder(new Siamese.Net.Encoders.EncoderOptions { InputHeight = 28, InputWidth = 28 }));
        using var classifier = OneShotClassifier.Load(Path.Combine(output, OmniglotCommand.ClassifierFileName), encoder);
        classifier.Classes.Should().HaveCount(5);
        classifier.Preprocessing.Width.Should().Be(28);
    }
}

/// <summary>The smoke tests redirect <see cref="System.Console.Out"/>, where RESULT lines go: no other test may run meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OmniglotConsoleCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "OmniglotOneShot console";
}
