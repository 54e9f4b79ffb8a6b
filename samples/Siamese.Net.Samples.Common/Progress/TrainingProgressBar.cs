using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Siamese.Net.Samples.Common.Progress;

/// <summary>
/// A Spectre.Console progress bar for a training run: overall bar over all steps of all epochs, with epoch, step,
/// latest loss and throughput in the description and the remaining time (ETA) in its own column; at the end of each
/// epoch it prints a summary line (train and validation loss, elapsed, ETA) that stays in logs where the live bar
/// cannot be drawn (redirected output, CI).
/// </summary>
public sealed class TrainingProgressBar : IProgress<TrainingStatus>
{
    private readonly IAnsiConsole _console;
    private readonly ProgressTask _task;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Lock _gate = new();
    private long _lastTimestamp;
    private long _lastSamples;
    private double _samplesPerSecond = double.NaN;

    private TrainingProgressBar(IAnsiConsole console, ProgressTask task, TimeProvider time)
    {
        _console = console;
        _task = task;
        _time = time;
        _started = time.GetTimestamp();
        _lastTimestamp = _started;
    }

    /// <summary>The latest report, or null before the first one.</summary>
    public TrainingStatus? Last { get; private set; }

    /// <summary>Smoothed samples per second, NaN until two reports with samples arrived.</summary>
    public double SamplesPerSecond
    {
        get
        {
            lock (_gate)
            {
                return _samplesPerSecond;
            }
        }
    }

    /// <summary>Shows the bar while <paramref name="body"/> trains and reports to the bar it is given.</summary>
    /// <param name="console">Console to draw on.</param>
    /// <param name="title">Shown before the first report, e.g. "Training SigNet".</param>
    /// <param name="totalEpochs">Epochs in the run.</param>
    /// <param name="stepsPerEpoch">Batches per epoch (a later report may correct it).</param>
    /// <param name="body">The training loop.</param>
    /// <param name="time">Clock for throughput and ETA; the system clock when null.</param>
    public static TResult Run<TResult>(IAnsiConsole console, string title, int totalEpochs, int stepsPerEpoch, Func<TrainingProgressBar, TResult> body, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalEpochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerEpoch, 1);
        return CreateProgress(console).Start(context =>
        {
            var bar = new TrainingProgressBar(console, context.AddTask(Markup.Escape(title), maxValue: (double)totalEpochs * stepsPerEpoch), time ?? TimeProvider.System);
            var result = body(bar);
            bar._task.Value = bar._task.MaxValue;
            bar._task.StopTask();
            return result;
        });
    }

    /// <summary>Asynchronous form of <see cref="Run{TResult}"/>.</summary>
    public static Task<TResult> RunAsync<TResult>(IAnsiConsole console, string title, int totalEpochs, int stepsPerEpoch, Func<TrainingProgressBar, Task<TResult>> body, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalEpochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerEpoch, 1);
        return CreateProgress(console).StartAsync(async context =>
        {
            var bar = new TrainingProgressBar(console, context.AddTask(Markup.Escape(title), maxValue: (double)totalEpochs * stepsPerEpoch), time ?? TimeProvider.System);
            var result = await body(bar).ConfigureAwait(false);
            bar._task.Value = bar._task.MaxValue;
            bar._task.StopTask();
            return result;
        });
    }

    /// <inheritdoc />
    public void Report(TrainingStatus value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string? summary = null;
        lock (_gate)
        {
            Last = value;
            long now = _time.GetTimestamp();
            if (value.SamplesPerSecond is double reported && double.IsFinite(reported) && reported >= 0)
            {
                _samplesPerSecond = reported;
            }
            else
            {
                UpdateThroughput(value.SamplesProcessed, now);
            }

            double total = (double)value.TotalEpochs * value.StepsPerEpoch;
            double done = Math.Min(total, ((double)(value.Epoch - 1) * value.StepsPerEpoch) + value.Step);
            _task.MaxValue = total;
            _task.Value = done;
            _task.Description = Markup.Escape(Describe(value, _samplesPerSecond));
            if (value.EpochCompleted)
            {
                summary = Summarise(value, _time.GetElapsedTime(_started, now), done, total);
            }
        }

        if (summary is not null)
        {
            _console.WriteLine(summary);
        }
    }

    /// <summary>The bar's description for a report.</summary>
    internal static string Describe(TrainingStatus s, double samplesPerSecond)
    {
        string rate = double.IsFinite(samplesPerSecond) ? string.Create(CultureInfo.InvariantCulture, $" | {samplesPerSecond:F0} samples/s") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"epoch {s.Epoch}/{s.TotalEpochs} | step {s.Step}/{s.StepsPerEpoch} | loss {s.Loss:F4}{rate}");
    }

    /// <summary>The line printed at the end of an epoch.</summary>
    internal static string Summarise(TrainingStatus s, TimeSpan elapsed, double done, double total)
    {
        string validation = s.ValidationLoss is double v ? string.Create(CultureInfo.InvariantCulture, $"  validation loss {v:F4}") : string.Empty;
        if (s.ValidationSummary is { Length: > 0 } metrics)
        {
            validation += "  " + metrics;
        }

        string eta = done <= 0 || done >= total
            ? string.Empty
            : "  ETA " + FormatDuration(s.EstimatedRemaining ?? TimeSpan.FromSeconds(elapsed.TotalSeconds / done * (total - done)));
        return string.Create(CultureInfo.InvariantCulture, $"epoch {s.Epoch}/{s.TotalEpochs}  train loss {s.Loss:F4}{validation}  elapsed {FormatDuration(elapsed)}{eta}");
    }

    internal static string FormatDuration(TimeSpan t) =>
        t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:D2}");

    private static Spectre.Console.Progress CreateProgress(IAnsiConsole console) =>
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn());

    private void UpdateThroughput(long samples, long now)
    {
        double seconds = _time.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
        long delta = samples - _lastSamples;
        if (delta <= 0 || seconds <= 0)
        {
            return;
        }

        double rate = delta / seconds;
        // Exponential smoothing: steady enough to read, quick to follow a change of phase.
        _samplesPerSecond = double.IsNaN(_samplesPerSecond) ? rate : (0.7 * _samplesPerSecond) + (0.3 * rate);
        _lastSamples = samples;
        _lastTimestamp = now;
        Debug.Assert(_samplesPerSecond >= 0, "Throughput is never negative.");
    }
}
