using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// Keeps a copy (on the CPU) of the weights of the best epoch by the monitored metric
/// (<see cref="EpochRecord.IsBest"/>) and loads them back into the network and the loss when training ends (Keras's
/// <c>restore_best_weights</c>), so the trained model is the best one, not the last one. The trainer adds it when
/// <see cref="SiameseTrainerOptions.KeepBest"/> is true (the default).
/// </summary>
/// <remarks>
/// Weights that hold a NaN or infinite value are never kept (<see cref="NonFiniteLossException"/>). On resume the
/// best weights are read from <see cref="ModelCheckpoint.BestFileName"/> beside the checkpoint resumed from, when it is
/// the best epoch's; otherwise the best epoch is counted afresh from the resumed epoch (a warning is logged).
/// </remarks>
public sealed class KeepBestWeights : ITrainerCallback, IDisposable
{
    private TrainerContext? _context;
    private List<Dictionary<string, Tensor>>? _weights;
    private int? _epoch;

    /// <inheritdoc />
    public string Name => nameof(KeepBestWeights);

    /// <summary>The epoch whose weights are kept, or null when none is.</summary>
    public int? KeptEpoch => _epoch;

    /// <summary>Whether the last run ended with the kept weights loaded back into its modules.</summary>
    public bool Restored { get; private set; }

    /// <inheritdoc />
    public void Setup(TrainerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        Release();
        Restored = false;
    }

    /// <inheritdoc />
    public void OnEpochEnd(TrainerContext context, EpochRecord epoch)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        if (epoch.IsBest)
        {
            Snapshot(epoch.Epoch);
        }
    }

    /// <inheritdoc />
    public void OnFitEnd(TrainerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_weights is null)
        {
            return;
        }

        using (no_grad())
        {
            var modules = Modules(context);
            for (int i = 0; i < modules.Length; i++)
            {
                modules[i].load_state_dict(_weights[i], strict: true);
            }
        }

        Restored = true;
    }

    /// <inheritdoc />
    public JsonNode? SaveState() => new JsonObject { ["epoch"] = _epoch };

    /// <inheritdoc />
    public void LoadState(JsonNode state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var context = _context ?? throw new InvalidOperationException($"{nameof(KeepBestWeights)} was used outside a training run.");
        if (state["epoch"]?.GetValue<int>() is not { } bestEpoch)
        {
            return;
        }

        // Called before the resumed weights are loaded, so loading the best epoch's weights here costs nothing.
        string resumedFrom = context.ResumedFrom!;
        var bestPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(resumedFrom))!, ModelCheckpoint.BestFileName);
        TrainingCheckpoint? best = File.Exists(bestPath) ? TrainingCheckpoint.Read(bestPath) : null;
        if (best is not null && best.Epoch == bestEpoch + 1 && best.Step == 0)
        {
            TrainingCheckpoint.LoadWeights(bestPath, context.TrainedModule, context.Loss);
            Snapshot(bestEpoch);
        }
        else
        {
            TrainerLog.BestUnavailable(context.Logger, $"no {ModelCheckpoint.BestFileName} of epoch {bestEpoch} next to '{resumedFrom}'", bestEpoch + 1);
        }
    }

    /// <summary>Frees the kept weights.</summary>
    public void Dispose() => Release();

    private static nn.Module[] Modules(TrainerContext context) => [context.TrainedModule, context.Loss];

    private void Snapshot(int epoch)
    {
        var context = _context ?? throw new InvalidOperationException($"{nameof(KeepBestWeights)} was used outside a training run.");
        context.EnsureFinite("keeping the best weights");
        Release();
        _weights = Modules(context)
            .Select(m => m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().clone().DetachFromDisposeScope()))
            .ToList();
        _epoch = epoch;
    }

    private void Release()
    {
        if (_weights is not null)
        {
            foreach (var tensor in _weights.SelectMany(d => d.Values))
            {
                tensor.Dispose();
            }
        }

        _weights = null;
        _epoch = null;
    }
}
