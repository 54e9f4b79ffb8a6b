using System.Globalization;
using Siamese.Net.Samples.Common.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Siamese.Net.Samples.Common.Cli;

/// <summary>
/// Runs a sample's single command with the conventions all samples share: invariant culture, strict parsing,
/// Ctrl+C as cancellation (the token reaches the command), clear messages and distinct <see cref="ExitCodes"/>
/// for bad arguments, missing data and failures.
/// </summary>
public static class SampleHost
{
    /// <summary>Parses <paramref name="args"/> and runs <typeparamref name="TCommand"/>.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="applicationName">Name shown in <c>--help</c> (the program's name).</param>
    /// <param name="description">One paragraph shown at the top of <c>--help</c>.</param>
    /// <param name="console">Console to write to; the process console when null (tests pass a test console).</param>
    /// <param name="examples">Example command lines shown in <c>--help</c>, each as its arguments.</param>
    /// <returns>The process exit code.</returns>
    public static int Run<TCommand>(string[] args, string applicationName, string description, IAnsiConsole? console = null, params string[][] examples)
        where TCommand : class, ICommand
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentException.ThrowIfNullOrWhiteSpace(applicationName);
        var output = console ?? AnsiConsole.Console;
        var app = new CommandApp<TCommand>();
        app.WithDescription(description);
        app.Configure(config =>
        {
            config.SetApplicationName(applicationName);
            config.SetApplicationCulture(CultureInfo.InvariantCulture);
            config.ConfigureConsole(output);
            config.UseStrictParsing();
            config.CancellationExitCode(ExitCodes.Cancelled);
            config.SetExceptionHandler((exception, _) => Report(exception, output));
            foreach (string[] example in examples)
            {
                config.AddExample(example);
            }
        });

        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // First Ctrl+C asks the sample to stop cleanly; a second one kills the process as usual.
            if (!cancellation.IsCancellationRequested)
            {
                e.Cancel = true;
                cancellation.Cancel();
            }
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return app.Run(args, cancellation.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Prints <paramref name="exception"/> the way a user needs it and returns the matching exit code.</summary>
    public static int Report(Exception exception, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(console);
        switch (exception)
        {
            case MissingDatasetException missing:
                console.MarkupLine("[red]Data not found.[/]");
                console.WriteLine(missing.Message);
                return ExitCodes.MissingData;
            case OperationCanceledException:
                console.MarkupLine("[yellow]Cancelled.[/]");
                return ExitCodes.Cancelled;
            case CommandAppException app:
                console.MarkupLine("[red]Error:[/] " + Markup.Escape(app.Message));
                console.WriteLine("Run with --help to see the options.");
                return ExitCodes.InvalidArguments;
            default:
                console.MarkupLine("[red]The sample failed:[/]");
                console.WriteException(exception, ExceptionFormats.ShortenPaths);
                return ExitCodes.Failure;
        }
    }
}
