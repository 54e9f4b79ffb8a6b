using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Siamese.Net.Inference;
using Siamese.Net.Training;

namespace Siamese.Net.Tests.Training;

/// <summary>
/// Every log message of the library has a fixed event id in the range documented for its component
/// (docs/training.md, docs/one-shot-and-evaluation.md), so a log pipeline can filter on ids that never change, and
/// numbers in messages are rounded one way.
/// </summary>
public sealed class LogEventIdTests
{
    /// <summary>The documented ranges, by the type that declares the messages.</summary>
    private static readonly Dictionary<string, (int First, int Last)> Ranges = new(StringComparer.Ordinal)
    {
        ["Siamese.Net.Training.TrainerLog"] = (6001, 6099),
        ["Siamese.Net.Inference.OneShotClassifier"] = (6101, 6199),
    };

    private static IEnumerable<(MethodInfo Method, LoggerMessageAttribute Attribute)> Messages() =>
        typeof(SiameseTrainer).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()!))
            .Where(x => x.Attribute is not null);

    [Fact]
    public void Every_log_message_has_a_unique_fixed_event_id_in_its_components_documented_range()
    {
        var messages = Messages().ToList();
        messages.Should().HaveCountGreaterThan(15);
        foreach (var (method, attribute) in messages)
        {
            string where = $"{method.DeclaringType!.FullName}.{method.Name}";
            Ranges.Should().ContainKey(method.DeclaringType!.FullName!, $"{where} logs, so its type needs a documented event id range");
            var (first, last) = Ranges[method.DeclaringType!.FullName!];
            attribute.EventId.Should().BeInRange(first, last, $"{where} has a fixed id in its range, not a generated one");
        }

        messages.Select(m => m.Attribute.EventId).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void The_trainers_messages_round_losses_metrics_and_learning_rates_to_four_significant_digits()
    {
        var logger = new CapturingLogger();
        TrainerLog.EpochDone(logger, 3, 0.123456789, 0.000512345, 12.3456);
        TrainerLog.Validated(logger, 3, 0.98765432, 0.912345, 0.987654, 0.0234567);
        TrainerLog.NewBest(logger, 3, MetricKeys.ValidationRocAuc, 0.987654);
        TrainerLog.Starting(logger, 10, 100, "cpu", "Adam", 0.000512345, 1234);

        logger.Lines.Should().Equal(
            "Epoch 3: training loss 0.1235, lr 0.0005123, 12.3 s",
            "Epoch 3 validation: loss 0.9877, accuracy 0.9123, AUC 0.9877, EER 0.02346",
            $"Epoch 3 is the best so far: {MetricKeys.ValidationRocAuc} = 0.9877",
            "Training 10 epochs of 100 steps on cpu with Adam (lr 0.0005123), 1234 trainable parameters");
    }

    private sealed class CapturingLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            using var _ = new CultureScope();
            Lines.Add(formatter(state, exception));
        }
    }

    private sealed class CultureScope : IDisposable
    {
        private readonly CultureInfo _previous = CultureInfo.CurrentCulture;

        public CultureScope() => CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

        public void Dispose() => CultureInfo.CurrentCulture = _previous;
    }
}
