using System.Text.Json.Nodes;

namespace Siamese.Net.Training;

/// <summary>
/// Ends training when the monitored metric (<see cref="TrainerContext.Monitor"/>) has not improved for
/// <see cref="Patience"/> evaluations in a row (Lightning's and Keras's <c>EarlyStopping</c>). "Improved" is the run's
/// own rule, <see cref="EpochRecord.IsBest"/>: better than the best so far by more than
/// <see cref="SiameseTrainerOptions.MinDelta"/>, in the direction of <see cref="SiameseTrainerOptions.MonitorMode"/>.
/// Epochs where the metric was not measured (not validated) do not count. The run still writes the stopping epoch's
/// checkpoint, and <see cref="TrainingResult.StoppedEarly"/> is true.
/// </summary>
/// <remarks>Its counter is saved in checkpoints, so a resumed run stops at the same epoch as an uninterrupted one.</remarks>
public sealed class EarlyStopping : ITrainerCallback
{
    private int _evaluationsWithoutImprovement;

    /// <summary>Creates the callback.</summary>
    /// <param name="patience">Evaluations without improvement before stopping; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="patience"/> is below 1.</exception>
    public EarlyStopping(int patience)
    {
        if (patience < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(patience), patience, $"{nameof(patience)} must be at least 1; got {patience}.");
        }

        Patience = patience;
    }

    /// <summary>Evaluations without improvement before stopping.</summary>
    public int Patience { get; }

    /// <summary>Evaluations since the monitored metric last improved, in the current run.</summary>
    public int EvaluationsWithoutImprovement => _evaluationsWithoutImprovement;

    /// <inheritdoc />
    public string Name => nameof(EarlyStopping);

    /// <inheritdoc />
    public void Setup(TrainerContext context) => _evaluationsWithoutImprovement = 0;

    /// <inheritdoc />
    public void OnEpochEnd(TrainerContext context, EpochRecord epoch)
    {
        if (!epoch.Metrics.ContainsKey(context.Monitor))
        {
            return;
        }

        _evaluationsWithoutImprovement = epoch.IsBest ? 0 : _evaluationsWithoutImprovement + 1;
        if (_evaluationsWithoutImprovement >= Patience && epoch.Epoch + 1 < context.Epochs)
        {
            TrainerLog.EarlyStop(context.Logger, epoch.Epoch, context.Monitor, Patience);
            context.StopTraining();
        }
    }

    /// <inheritdoc />
    public JsonNode? SaveState() => new JsonObject { ["evaluationsWithoutImprovement"] = _evaluationsWithoutImprovement };

    /// <inheritdoc />
    public void LoadState(JsonNode state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _evaluationsWithoutImprovement = state["evaluationsWithoutImprovement"]?.GetValue<int>()
            ?? throw new InvalidDataException("The saved EarlyStopping state has no evaluationsWithoutImprovement.");
    }
}
