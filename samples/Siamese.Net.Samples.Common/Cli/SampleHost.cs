using System.Globalization;
using System.Reflection;
using Siamese.Net.Samples.Common.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Siamese.Net.Samples.Common.Cli;

/// <summary>
/// Runs a sample's single command with the conventions all samples share: invariant culture, strict parsing,
/// Ctrl+C as cancellation (the token reaches the command), clear messages and distinct <see cref="ExitCodes"/>
/// for bad arguments, missing data and failures. Errors are printed as their messages only (the stack trace with
/// <c>--verbose</c>), and when the output is redirected lines are never wrapped, so a line naming a file stays one
/// line that <c>grep</c> finds.
/// </summary>
public static class SampleHost
{
    /// <summary>
    /// The width a redirected console reports: wide enough that no log line is ever wrapped (Spectre.Console would
    /// otherwise assume 80 columns and split a long path across lines).
    /// </summary>
    public const int RedirectedWidth = 32_000;

    /// <summary>The option that adds stack traces to error reports.</summary>
    public const string VerboseOption = "--verbose";

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
        var output = console ?? CreateConsole(Console.Out, Console.IsOutputRedirected);
        // The exception handler runs outside the command, so it reads --verbose from the command line itself.
        bool verbose = args.Contains(VerboseOption, StringComparer.Ordinal);
        var app = new CommandApp<TCommand>();
        app.WithDescription(description);
        app.Configure(config =>
        {
            config.SetApplicationName(applicationName);
            config.SetApplicationCulture(CultureInfo.InvariantCulture);
            config.ConfigureConsole(output);
            config.UseStrictParsing();
            config.CancellationExitCode(ExitCodes.Cancelled);
            config.SetExceptionHandler((exception, _) => Report(exception, output, verbose));
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

    /// <summary>
    /// The console the samples write to. On a terminal: Spectre.Console's detected colours, width and live display.
    /// Redirected (a pipe, a file, CI): no ANSI codes, no live display and <see cref="RedirectedWidth"/> columns, so
    /// lines are never wrapped.
    /// </summary>
    /// <param name="output">Where to write.</param>
    /// <param name="redirected">Whether the output goes to a file or pipe rather than a terminal.</param>
    public static IAnsiConsole CreateConsole(TextWriter output, bool redirected)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!redirected)
        {
            return AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = RedirectedWidth;
        return console;
    }

    /// <summary>Prints <paramref name="exception"/> the way a user needs it and returns the matching exit code.</summary>
    /// <param name="exception">What went wrong.</param>
    /// <param name="console">Where to print it.</param>
    /// <param name="verbose">
    /// Whether to add the stack trace (<c>--verbose</c>); without it a user sees the message (and the messages of
    /// inner exceptions that say more), never a stack trace.
    /// </param>
    public static int Report(Exception exception, IAnsiConsole console, bool verbose = false)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(console);
        exception = Unwrap(exception);
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
            case InvalidDataException or IOException or UnauthorizedAccessException:
                // A bad data set (corrupt image, malformed CSV, unreadable file): the message names the file.
                console.MarkupLine("[red]Data error:[/]");
                WriteMessages(exception, console, verbose);
                return ExitCodes.Failure;
            default:
                console.MarkupLine("[red]The sample failed:[/] " + Markup.Escape(exception.GetType().Name));
                WriteMessages(exception, console, verbose);
                return ExitCodes.Failure;
        }
    }

    /// <summary>The exception a user needs to see inside the wrappers that tasks and reflection add.</summary>
    private static Exception Unwrap(Exception exception)
    {
        while (true)
        {
            switch (exception)
            {
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    exception = aggregate.InnerExceptions[0];
                    break;
                case TargetInvocationException { InnerException: { } inner }:
                    exception = inner;
                    break;
                default:
                    return exception;
            }
        }
    }

    /// <summary>
    /// Writes the message and every inner message that adds something (one the outer message already quotes is left
    /// out), each as plain lines; then the stack trace when <paramref name="verbose"/>, or how to get it.
    /// </summary>
    private static void WriteMessages(Exception exception, IAnsiConsole console, bool verbose)
    {
        var written = new List<string>();
        var pending = new Queue<Exception>([exception]);
        while (pending.Count > 0)
        {
            var current = pending.Dequeue();
            if (current is AggregateException aggregate)
            {
                // Its own message only repeats those of its inner exceptions.
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Enqueue(inner);
                }

                continue;
            }

            string message = current.Message.Trim();
            if (message.Length > 0 && !written.Any(w => w.Contains(message, StringComparison.Ordinal)))
            {
                written.Add(message);
                console.WriteLine(written.Count == 1 ? message : "  caused by: " + message);
            }

            if (current.InnerException is { } next)
            {
                pending.Enqueue(next);
            }
        }

        if (verbose)
        {
            console.WriteException(exception, ExceptionFormats.ShortenPaths);
        }
        else
        {
            console.WriteLine($"Run again with {VerboseOption} to see the stack trace.");
        }
    }
}
