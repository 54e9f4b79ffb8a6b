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

        var (code, stdout, console) = Run([.. Tiny, "--train", temp.Sub("background"), "--test-alphabets", "1", "--output", temp.Sub("out")]);

        code.Should().Be(ExitCodes.Success, console);
        console.Should().Contain("5-way 1-shot on 6 within-alphabet held-out runs (30 queries)");
        console.Should().Contain("5-way 1-shot on 6 random episodes");
        console.Should().MatchRegex(@"Per test alphabet: \S+ [01]\.\d{3}");
        console.Should().MatchRegex(@"validation: \d+ characters \(1 in 10 characters of each training alphabet\)");
        console.Should().MatchRegex(@"with shift test-time augmentation [01]\.\d{4} -> augmentation (on|off)");
        AssertResultAndOutputs(stdout, temp.Sub("out"), "accuracy_5way_1shot");
    }

    [Fact]
    public void Lake_runs_path_reads_runs_built_from_other_alphabets()
    {
        using var temp = new TempFolder();
        GlyphDatasetGenerator.Generate(temp.Sub("background"), new GlyphDatasetOptions { Alphabets = 3, CharactersPerAlphabet = 6, Drawers = 3, Seed = 3 });
        GlyphDatasetGenerator.Generate(temp.Sub("evaluation"), new GlyphDatasetOptions { Alphabets = 2, CharactersPerAlphabet = 5, Drawers = 3, Seed = 4 });
        OneShotRunBuilder.Build(temp.Sub("evaluation"), temp.Sub("runs"), new OneShotRunOptions { Runs = 3, Ways = 5, Seed = 1 });

        var (code, stdout, console) = Run([.. Tiny, "--train", temp.Sub("background"), "--runs", temp.Sub("runs"), "--output", temp.Sub("out")]);

        code.Should().Be(ExitCodes.Success, console);
        console.Should().Contain("5-way 1-shot on 3 Lake runs (15 queries)");
        console.Should().MatchRegex(@"run01: error \d+\.\d% \(raw pixels \d+\.\d%\)", "Lake's scorer reports each run's error");
        console.Should().MatchRegex(@"Train: 1\d characters of 3 alphabets", "with Lake's runs every background alphabet is trained on");
        AssertResultAndOutputs(stdout, temp.Sub("out"), "accuracy_5way_1shot");
    }

    [Theory]
    [InlineData("supcon")]
    [InlineData("multisimilarity")]
    [InlineData("proxyanchor")]
    [InlineData("triplet")]
    public void Every_loss_choice_trains_on_the_rotated_PxK_batches(string loss)
    {
        using var temp = new TempFolder();
        GlyphDatasetGenerator.Generate(temp.Sub("background"), new GlyphDatasetOptions { Alphabets = 3, CharactersPerAlphabet = 6, Drawers = 3, Seed = 5 });

        var (code, stdout, console) = Run([.. Tiny, "--train", temp.Sub("background"), "--test-alphabets", "1", "--loss", loss, "--shift", "1", "--output", temp.Sub("out")]);

        code.Should().Be(ExitCodes.Success, console);
        AssertResultAndOutputs(stdout, temp.Sub("out"), "accuracy_5way_1shot", cosine: loss is "supcon" or "multisimilarity" or "proxyanchor");
    }

    [Fact]
    public void Precision_mixed_reaches_the_trainer()
    {
        using var temp = new TempFolder();
        GlyphDatasetGenerator.Generate(temp.Sub("background"), new GlyphDatasetOptions { Alphabets = 3, CharactersPerAlphabet = 6, Drawers = 3, Seed = 5 });

        var (code, stdout, console) = Run([.. Tiny, "--train", temp.Sub("background"), "--test-alphabets", "1", "--precision", "mixed", "--output", temp.Sub("out")]);

        code.Should().Be(ExitCodes.Success, console);
        console.Should().Contain("precision mixed-bfloat16");
        AssertResultAndOutputs(stdout, temp.Sub("out"), "accuracy_5way_1shot", cosine: false);
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

    private static void AssertResultAndOutputs(string stdout, string output, string metric, bool cosine = false)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().NotBeEmpty();
        lines[^1].Should().MatchRegex($"^RESULT {metric}=(0|1)\\.\\d{{4}}$");
        foreach (var name in new[] { $"baseline_raw_pixel_{metric}", $"baseline_raw_pixel_{metric}_random" })
        {
            lines.Should().Contain(l => l.StartsWith($"RESULT {name}=", StringComparison.Ordinal), "the raw-pixel 1-NN baseline is printed beside the result");
        }

        lines.Should().Contain(l => l.StartsWith($"RESULT {metric}_random=", StringComparison.Ordinal));
        double accuracy = double.Parse(lines[^1].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture);
        accuracy.Should().BeInRange(0, 1);
        File.ReadAllLines(Path.Combine(output, "results.txt")).Should().Equal(lines.Where(l => l.StartsWith("RESULT ", StringComparison.Ordinal)));
        foreach (var file in new[] { "loss.png", "roc.png", "distances.png", "pairs.png" })
        {
            Png.Header(Path.Combine(output, file)).Width.Should().BeGreaterThan(0, file);
        }

        // The cosine-based losses train (and save) a cosine network; the prototypical and triplet losses a Euclidean one.
        Siamese.Net.Distances.IDistance distance = cosine ? new Siamese.Net.Distances.CosineDistance() : new Siamese.Net.Distances.EuclideanDistance();
        using var encoder = new Siamese.Net.SiameseNetwork(new Siamese.Net.Encoders.Conv4Encoder(new Siamese.Net.Encoders.EncoderOptions { InputHeight = 28, InputWidth = 28 }), distance);
        using var classifier = OneShotClassifier.Load(Path.Combine(output, OmniglotCommand.ClassifierFileName), encoder);
        classifier.Classes.Should().HaveCount(5);
        File.Exists(Path.Combine(output, "omniglot.siamese-onnx")).Should().BeTrue("the classifier is also saved as an ONNX bundle");
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
