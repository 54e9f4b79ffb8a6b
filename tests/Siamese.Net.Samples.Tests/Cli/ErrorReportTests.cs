using System.Text.RegularExpressions;
using Siamese.Net.Samples.Common.Cli;
using Siamese.Net.Samples.Common.Synthetic;
using Siamese.Net.Samples.Tests.TestSupport;
using Spectre.Console;

namespace Siamese.Net.Samples.Tests.Cli;

/// <summary>
/// What a user sees when a sample meets a malformed data set: the message naming the bad file on one line that
/// grep finds (never wrapped at 80 columns when the output is redirected), and no stack trace unless --verbose.
/// </summary>
public sealed partial class ErrorReportTests
{
    // Longer than 80 columns on its own, so any wrapping would split it.
    private const string LongFolder = "a-data-folder-with-a-deliberately-long-name-so-that-an-eighty-column-console-would-split-it";

    [Fact]
    public void A_redirected_console_never_wraps_and_writes_no_escape_codes()
    {
        using var writer = new StringWriter();
        var console = SampleHost.CreateConsole(writer, redirected: true);
        string line = string.Concat(Enumerable.Repeat("0123456789 ", 40)).TrimEnd();

        console.WriteLine(line);
        console.MarkupLine("[red]Data error:[/] " + Markup.Escape(line));

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        lines.Should().Equal(line, "Data error: " + line);
        writer.ToString().Should().NotContain("\u001b[");
    }

    [Fact]
    public void The_progress_bar_on_a_redirected_console_is_not_stretched_to_the_unwrapped_width()
    {
        using var writer = new StringWriter();
        var console = SampleHost.CreateConsole(writer, redirected: true);

        Siamese.Net.Samples.Common.Progress.TrainingProgressBar.Run(console, "Training", totalEpochs: 2, stepsPerEpoch: 2, bar =>
        {
            for (int epoch = 1; epoch <= 2; epoch++)
            {
                bar.Report(new Siamese.Net.Samples.Common.Progress.TrainingStatus(epoch, 2, 2, 2, 0.5) { EpochCompleted = true });
            }

            return 0;
        });

        var lines = Lines(writer);
        lines.Should().Contain(l => l.Contains("epoch 2/2", StringComparison.Ordinal));
        lines.Should().OnlyContain(l => l.Length < 300, "no renderable expands to the width that keeps lines unwrapped");
    }

    [Fact]
    public void A_data_error_is_its_message_without_a_stack_trace_unless_verbose()
    {
        string path = Path.Combine("/data", LongFolder, "s7", "3.pgm");
        var error = Thrown(() => throw new InvalidDataException($"1 of 40 images cannot be used:\n  {path}: truncated PGM"));

        using var quiet = new StringWriter();
        SampleHost.Report(error, SampleHost.CreateConsole(quiet, redirected: true)).Should().Be(ExitCodes.Failure);
        using var verbose = new StringWriter();
        SampleHost.Report(error, SampleHost.CreateConsole(verbose, redirected: true), verbose: true);

        Lines(quiet).Should().Contain($"  {path}: truncated PGM").And.Contain(l => l.Contains("--verbose"));
        Lines(quiet).Should().NotContain(l => StackFrame().IsMatch(l));
        Lines(verbose).Should().Contain($"  {path}: truncated PGM").And.Contain(l => StackFrame().IsMatch(l));
    }

    [Fact]
    public void Inner_messages_that_add_something_are_shown_once_and_wrappers_are_unwrapped()
    {
        var inner = new InvalidDataException("row 3: label 'maybe' is not 0 or 1");
        var error = new AggregateException(new IOException("Reading pairs.csv failed", inner));

        using var writer = new StringWriter();
        SampleHost.Report(error, SampleHost.CreateConsole(writer, redirected: true));

        Lines(writer).Should().ContainInOrder("Data error:", "Reading pairs.csv failed", "  caused by: row 3: label 'maybe' is not 0 or 1");
        Lines(writer).Should().NotContain(l => l.Contains("One or more errors", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_sample_on_a_data_set_with_a_corrupt_image_names_the_file_on_one_line_with_redirected_output(bool verbose)
    {
        using var temp = new TempFolder();
        string data = Path.Combine(temp.Path, LongFolder, "faces");
        FaceDatasetGenerator.Generate(data, new FaceDatasetOptions { Subjects = 14, ImagesPerSubject = 4, Seed = 3 });
        string bad = Path.Combine(data, "s7", "3.pgm");
        byte[] good = File.ReadAllBytes(bad);
        File.WriteAllBytes(bad, good[..(good.Length / 2)]);

        string[] args =
        [
            "--data", data, "--output", temp.Sub("out"), "--epochs", "1", "--image-size", "16x20", "--embedding-size", "8",
            "--subjects-per-batch", "2", "--images-per-subject", "3", "--batches-per-epoch", "2", "--validation-subjects", "2",
            .. verbose ? new[] { "--verbose" } : [],
        ];
        var (code, stdout) = RunSample("FaceSimilarity", args);

        code.Should().Be(ExitCodes.Failure, stdout);
        var lines = stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        lines.Should().Contain(l => l.Contains(bad, StringComparison.Ordinal), "the bad file's full path is on one unbroken line:\n" + stdout);
        lines.Should().NotContain(l => l.Contains("\u001b[", StringComparison.Ordinal), "redirected output has no escape codes");
        if (verbose)
        {
            lines.Should().Contain(l => StackFrame().IsMatch(l), "--verbose adds the stack trace");
        }
        else
        {
            lines.Should().NotContain(l => StackFrame().IsMatch(l), "no stack trace by default:\n" + stdout);
        }
    }

    private static (int Code, string Stdout) RunSample(string sample, string[] args)
    {
        var (code, stdout, stderr) = SampleProcess.Run(sample, args);
        return (code, stdout + stderr);
    }

    private static Exception Thrown(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            return e;
        }

        throw new InvalidOperationException("nothing was thrown");
    }

    private static string[] Lines(StringWriter writer) =>
        writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>A stack-trace line as .NET and Spectre.Console print them ("   at Method(...)").</summary>
    [GeneratedRegex(@"^\s+at\s+\S")]
    private static partial Regex StackFrame();
}
