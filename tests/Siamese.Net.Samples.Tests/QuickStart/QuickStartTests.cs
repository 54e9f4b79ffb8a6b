using System.Text.RegularExpressions;
using Siamese.Net.Inference;
using Siamese.Net.Samples.Common.Synthetic;
using Siamese.Net.Samples.Tests.TestSupport;

namespace Siamese.Net.Samples.Tests.QuickStart;

/// <summary>The README's quick start is samples/QuickStart/Program.cs, and that program does what the README says.</summary>
public sealed partial class QuickStartTests
{
    [Fact]
    public void The_READMEs_quick_start_code_block_is_the_QuickStart_program_verbatim()
    {
        string root = RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        string program = File.ReadAllText(Path.Combine(root, "samples", "QuickStart", "Program.cs")).ReplaceLineEndings("\n");

        string section = readme[readme.IndexOf("## Quick start", StringComparison.Ordinal)..];
        int start = section.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        string block = section[start..section.IndexOf("```\n", start, StringComparison.Ordinal)];

        block.Should().Be(program);
        program.Split('\n').Length.Should().BeLessThanOrEqualTo(150, "the quick start stays short enough to read");
    }

    [Fact]
    public void The_QuickStart_program_trains_recognises_the_enrolled_person_rejects_a_stranger_and_saves_a_small_file()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("people");
        FaceDatasetGenerator.Generate(data, new FaceDatasetOptions { Subjects = 24, ImagesPerSubject = 6, Seed = 3 });

        var (output, exitCode) = Run(temp.Path, "--data", data, "--epochs", "2");

        exitCode.Should().Be(0, output);
        output.Should().Contain("epoch 2/2: loss", "it reports progress per epoch");
        var answers = AnswerLine().Matches(output).Select(m => (Who: m.Groups[1].Value, Said: m.Groups[2].Value)).ToArray();
        answers.Should().HaveCount(2, output);
        answers[0].Said.Should().StartWith(answers[0].Who + " (distance", "the enrolled person is recognised from another photo");
        answers[1].Said.Should().Be("No match found", "a person never enrolled is rejected");

        string saved = Path.Combine(temp.Path, "quickstart.siamese");
        new FileInfo(saved).Length.Should().BeLessThan(2_000_000, "the Conv-4 classifier is small, unlike FaceSimilarityNet's 170 MB");
        using var loaded = OneShotClassifier.Load(saved);
        loaded.Classes.Should().Equal(answers[0].Who);
        loaded.Threshold.Should().NotBeNull();
    }

    private static (string Output, int ExitCode) Run(string workingDirectory, params string[] args)
    {
        var (code, stdout, stderr) = SampleProcess.Run("QuickStart", args, workingDirectory);
        return (stdout + stderr, code);
    }

    private static string RepositoryRoot() =>
        Repository.FindRoot() ?? throw new InvalidOperationException("Siamese.Net.sln not found above " + AppContext.BaseDirectory);

    [GeneratedRegex(@"^(s\d+): (.*), threshold", RegexOptions.Multiline)]
    private static partial Regex AnswerLine();
}
