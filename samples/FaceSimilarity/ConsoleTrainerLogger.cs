using Microsoft.Extensions.Logging;
using Siamese.Net.Training;
using Spectre.Console;

namespace FaceSimilarity;

/// <summary>
/// Shows the trainer's per-epoch validation results and best-epoch notes above the progress bar (the progress
/// reports carry training figures only), plus any warning or error. Step-level debug messages are left out.
/// </summary>
internal sealed class ConsoleTrainerLogger(IAnsiConsole console) : ILogger<SiameseTrainer>
{
    private static readonly HashSet<int> Shown = [6005, 6006, 6007];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (logLevel >= LogLevel.Warning || Shown.Contains(eventId.Id))
        {
            console.WriteLine("  " + formatter(state, exception));
        }
    }
}
