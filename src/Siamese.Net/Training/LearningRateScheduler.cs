using System.Text.Json.Nodes;
using TorchSharp.Modules;
using static TorchSharp.torch.optim.lr_scheduler;

namespace Siamese.Net.Training;

/// <summary>
/// Steps a TorchSharp learning-rate scheduler once per epoch (Keras's <c>LearningRateScheduler</c>): a
/// <c>ReduceLROnPlateau</c> with the monitored metric (<see cref="TrainerContext.Monitor"/>) on the epochs that
/// measured it, any other scheduler with a plain <c>step()</c>. Presets: <see cref="KnownSchedulers"/>.
/// </summary>
/// <remarks>
/// The scheduler is made from the run's optimizer in <see cref="Setup"/>. Its state is the list of steps taken (with
/// their metric); a resume replays them on the fresh optimizer before the checkpoint's optimizer state (which holds
/// the learning rate) is loaded, so the schedule continues exactly.
/// </remarks>
public sealed class LearningRateScheduler : ITrainerCallback
{
    private readonly Func<OptimizerHelper, LRScheduler> _factory;
    private readonly List<double?> _steps = [];
    private LRScheduler? _scheduler;

    /// <summary>Creates the callback.</summary>
    /// <param name="scheduler">Makes the scheduler from the optimizer, e.g. <c>KnownSchedulers.Cosine(epochs)</c> or
    /// <c>o =&gt; torch.optim.lr_scheduler.StepLR(o, 10)</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="scheduler"/> is null.</exception>
    public LearningRateScheduler(Func<OptimizerHelper, LRScheduler> scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        _factory = scheduler;
    }

    /// <inheritdoc />
    public string Name => nameof(LearningRateScheduler);

    /// <summary>Steps taken in the current run (including replayed ones), each with the metric it was given or null.</summary>
    public IReadOnlyList<double?> Steps => _steps;

    /// <inheritdoc />
    public void Setup(TrainerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _steps.Clear();
        _scheduler = _factory(context.Optimizer)
            ?? throw new InvalidOperationException($"The {nameof(LearningRateScheduler)}'s scheduler factory returned null.");
    }

    /// <inheritdoc />
    public void OnEpochEnd(TrainerContext context, EpochRecord epoch)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(epoch);
        if (_scheduler is TorchSharp.torch.optim.lr_scheduler.impl.ReduceLROnPlateau)
        {
            // Only epochs where the metric was measured count towards the plateau.
            if (epoch.Metrics.TryGetValue(context.Monitor, out var value))
            {
                Step(value);
            }
        }
        else
        {
            Step(null);
        }
    }

    /// <inheritdoc />
    public JsonNode? SaveState() => new JsonArray(_steps.Select(s => s is { } v ? JsonValue.Create(v) : null).ToArray<JsonNode?>());

    /// <inheritdoc />
    public void LoadState(JsonNode state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _steps.Clear();
        foreach (var step in state.AsArray())
        {
            Step(step?.GetValue<double>());
        }
    }

    private void Step(double? metric)
    {
        var scheduler = _scheduler ?? throw new InvalidOperationException($"{nameof(LearningRateScheduler)} was used outside a training run.");
        if (metric is { } value)
        {
            scheduler.step(value);
        }
        else
        {
            scheduler.step();
        }

        _steps.Add(metric);
    }
}
