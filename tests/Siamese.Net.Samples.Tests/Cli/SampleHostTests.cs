using System.ComponentModel;
using Siamese.Net.Samples.Common.Cli;
using Siamese.Net.Samples.Common.Data;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Testing;

namespace Siamese.Net.Samples.Tests.Cli;

public sealed class SampleHostTests
{
    [Fact]
    public void Help_lists_the_common_options_with_their_defaults()
    {
        var console = new TestConsole();
        console.Profile.Width = 200;

        int code = SampleHost.Run<DemoCommand>(["--help"], "demo", "A demo sample.", console, ["--epochs", "3"]);

        code.Should().Be(ExitCodes.Success);
        console.Output.Should().Contain("A demo sample").And.Contain("--epochs").And.Contain("--seed").And.Contain("42")
            .And.Contain("--output").And.Contain("./output").And.Contain("--data").And.Contain("demo --epochs 3");
    }

    [Fact]
    public void Defaults_are_seed_42_output_folder_and_the_samples_own_epochs()
    {
        var console = new TestConsole();
        console.Profile.Width = 400;

        int code = SampleHost.Run<DemoCommand>([], "demo", "A demo sample.", console);

        code.Should().Be(ExitCodes.Success);
        console.Output.Should().Contain("epochs=7 seed=42 output=" + Path.GetFullPath("./output"));
    }

    [Fact]
    public void Given_options_are_parsed()
    {
        var console = new TestConsole();
        console.Profile.Width = 400;

        int code = SampleHost.Run<DemoCommand>(["--epochs", "2", "--seed", "5", "--output", "/tmp/x"], "demo", "A demo sample.", console);

        code.Should().Be(ExitCodes.Success);
        console.Output.Should().Contain("epochs=2 seed=5 output=/tmp/x");
    }

    [Theory]
    [InlineData(new[] { "--epochs", "0" }, "--epochs must be at least 1 (got 0).")]
    [InlineData(new[] { "--seed", "-3" }, "--seed must be 0 or more (got -3).")]
    [InlineData(new[] { "--epochs", "many" }, "many")]
    [InlineData(new[] { "--no-such-option" }, "no-such-option")]
    public void Invalid_arguments_exit_with_the_usage_code_and_say_why(string[] args, string expected)
    {
        var console = new TestConsole();
        console.Profile.Width = 200;

        int code = SampleHost.Run<DemoCommand>(args, "demo", "A demo sample.", console);

        code.Should().Be(ExitCodes.InvalidArguments);
        console.Output.Should().Contain(expected).And.Contain("--help");
    }

    [Fact]
    public void A_missing_data_folder_exits_with_its_own_code_and_the_download_hint()
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        string missing = Path.Combine(Path.GetTempPath(), "siamese-no-such-folder-" + Guid.NewGuid().ToString("N"));

        int code = SampleHost.Run<DemoCommand>(["--data", missing], "demo", "A demo sample.", console);

        code.Should().Be(ExitCodes.MissingData);
        console.Output.Should().Contain("Data not found").And.Contain(missing).And.Contain("kaggle datasets download");
    }

    [Fact]
    public void An_unexpected_exception_exits_with_the_failure_code_and_is_shown()
    {
        var console = new TestConsole();
        console.Profile.Width = 200;

        int code = SampleHost.Run<DemoCommand>(["--data", "throw"], "demo", "A demo sample.", console);

        code.Should().Be(ExitCodes.Failure);
        console.Output.Should().Contain("The sample failed").And.Contain("InvalidOperationException").And.Contain("boom").And.Contain("--verbose");
    }

    [Fact]
    public void Embedded_data_lives_under_the_output_folder()
    {
        var settings = new DemoSettings { Output = "/tmp/run1" };

        settings.EmbeddedDataFolder("signatures").Should().Be("/tmp/run1/embedded-data/signatures");
        settings.Validate().Successful.Should().BeTrue();
    }

    [Fact]
    public void An_output_path_that_is_a_file_is_rejected()
    {
        using var temp = new TempFolder();
        string file = temp.Sub("taken");
        File.WriteAllText(file, "x");

        var result = new DemoSettings { Output = file }.Validate();

        result.Successful.Should().BeFalse();
        result.Message.Should().Contain("is a file");
    }

    [Fact]
    public void Report_maps_cancellation_to_its_code()
    {
        var console = new TestConsole();
        SampleHost.Report(new OperationCanceledException(), console).Should().Be(ExitCodes.Cancelled);
    }

    public sealed class DemoSettings : SampleSettings
    {
        [CommandOption("--data <FOLDER>")]
        [Description("Signature data in the sign_data layout.")]
        public string? Data { get; set; }
    }

    public sealed class DemoCommand : Command<DemoSettings>
    {
        private readonly IAnsiConsole _console;

        public DemoCommand(IAnsiConsole console) => _console = console;

        public override int Execute(CommandContext context, DemoSettings settings, CancellationToken cancellationToken)
        {
            if (settings.Data == "throw")
            {
                throw new InvalidOperationException("boom");
            }

            DatasetLocator.Resolve(DatasetKind.Signatures, settings.Data, "--data");
            _console.WriteLine($"epochs={settings.EpochsOr(7)} seed={settings.Seed} output={settings.OutputPath}");
            return ExitCodes.Success;
        }
    }
}
