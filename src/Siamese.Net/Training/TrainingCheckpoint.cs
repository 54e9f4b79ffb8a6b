using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// A training checkpoint written by <see cref="SiameseTrainer"/>: the weights of the network and of the loss, the
/// optimizer state, the learning-rate schedule, torch's random generator state, the position in training (epoch and
/// step) and the history so far. Pass its path as <see cref="SiameseTrainerOptions.ResumeFrom"/> to continue, or
/// use <see cref="LoadWeights"/> to load the trained weights for inference.
/// </summary>
/// <remarks>
/// The file is TorchSharp-specific (module and optimizer states in TorchSharp's binary format after a JSON header);
/// it is written atomically, so a crash during a save leaves the previous checkpoint intact.
/// </remarks>
public sealed record TrainingCheckpoint
{
    private const string Magic = "Siamese.Net.TrainingCheckpoint";
    private const string EndMarker = "end-of-checkpoint";
    private const int CurrentFormat = 1;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The epoch in progress (0-based): training continues with step <see cref="Step"/> of this epoch.</summary>
    public required int Epoch { get; init; }

    /// <summary>Steps of <see cref="Epoch"/> already done (0 when the checkpoint was written at an epoch boundary).</summary>
    public required int Step { get; init; }

    /// <summary>Optimizer steps done since the start of training.</summary>
    public required long GlobalStep { get; init; }

    /// <summary>The training seed (<see cref="SiameseTrainerOptions.Seed"/>) of the run.</summary>
    public required long Seed { get; init; }

    /// <summary>The type name of the optimizer whose state the checkpoint holds.</summary>
    public required string Optimizer { get; init; }

    /// <summary>The initial learning rate of each optimizer parameter group (a resume must use the same).</summary>
    public required IReadOnlyList<double> InitialLearningRates { get; init; }

    /// <summary>History of the finished epochs.</summary>
    public required IReadOnlyList<EpochRecord> History { get; init; }

    /// <summary>The best epoch so far, if any.</summary>
    public int? BestEpoch { get; init; }

    /// <summary>The monitored metric's value at <see cref="BestEpoch"/>.</summary>
    public double? BestMetric { get; init; }

    /// <summary>Whether training had ended (all epochs done or stopped early) when the checkpoint was written.</summary>
    public bool Finished { get; init; }

    /// <summary>Whether early stopping ended the run.</summary>
    public bool StoppedEarly { get; init; }

    /// <summary>When the checkpoint was written (UTC).</summary>
    public DateTimeOffset SavedAt { get; init; }

    /// <summary>The CLR types of the saved modules, network first; checked when loading.</summary>
    public required IReadOnlyList<string> ModuleTypes { get; init; }

    /// <summary>Metric values (or null for a plain step) of every scheduler step so far, replayed on resume.</summary>
    [JsonInclude]
    internal List<double?> SchedulerSteps { get; init; } = [];

    /// <summary>The saved state of each callback, by <see cref="ITrainerCallback.Name"/> (JSON text).</summary>
    [JsonInclude]
    internal Dictionary<string, string> CallbackStates { get; init; } = [];

    /// <summary>Evaluations since the last improvement of the monitored metric (early stopping counter).</summary>
    [JsonInclude]
    internal int EvaluationsWithoutImprovement { get; init; }

    /// <summary>Sum of per-sample losses of the steps done in <see cref="Epoch"/>.</summary>
    [JsonInclude]
    internal double PartialLossSum { get; init; }

    /// <summary>Samples seen in the steps done in <see cref="Epoch"/>.</summary>
    [JsonInclude]
    internal long PartialSamples { get; init; }

    /// <summary>Format version of the file.</summary>
    [JsonInclude]
    internal int Format { get; init; } = CurrentFormat;

    /// <summary>Reads the header of a checkpoint (epoch, step, history) without loading any tensor.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <exception cref="InvalidDataException">The file is not a Siamese.Net checkpoint.</exception>
    public static TrainingCheckpoint Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        return ReadHeader(reader, path);
    }

    /// <summary>
    /// Loads the trained weights of a checkpoint into a network (and, for a loss with parameters such as a BCE head,
    /// into the loss), e.g. to use the best epoch for inference.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="network">The network, built with the same architecture as when training.</param>
    /// <param name="loss">The loss module used for training; needed only when it has parameters.</param>
    /// <exception cref="InvalidDataException">The file is not a checkpoint or does not match the modules.</exception>
    public static void LoadWeights(string path, nn.Module network, nn.Module? loss = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(network);
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        var header = ReadHeader(reader, path);
        var modules = loss is null ? new[] { network } : new[] { network, loss };
        ReadModules(reader, header, modules, path, allowFewer: loss is null);
    }

    /// <summary>Writes a checkpoint atomically.</summary>
    internal static void Write(string path, TrainingCheckpoint header, IReadOnlyList<nn.Module> modules, OptimizerHelper optimizer, byte[] rngState) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(CurrentFormat);
            writer.Write(JsonSerializer.Serialize(header, JsonOptions));
            writer.Write(modules.Count);
            foreach (var module in modules)
            {
                module.save(writer);
            }

            optimizer.save_state_dict(writer);
            writer.Write(rngState.Length);
            writer.Write(rngState);
            writer.Write(EndMarker);
            writer.Flush();
        });

    /// <summary>Reads a whole checkpoint into the modules and optimizer; returns the header and the RNG state.</summary>
    internal static (TrainingCheckpoint Header, byte[] RngState) ReadInto(string path, IReadOnlyList<nn.Module> modules, OptimizerHelper optimizer)
    {
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        var header = ReadHeader(reader, path);
        ReadModules(reader, header, modules, path, allowFewer: false);
        try
        {
            optimizer.load_state_dict(reader);
            int length = reader.ReadInt32();
            var rng = reader.ReadBytes(length);
            if (rng.Length != length || reader.ReadString() != EndMarker)
            {
                throw new InvalidDataException($"Checkpoint '{path}' is truncated.");
            }

            return (header, rng);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException)
        {
            throw new InvalidDataException($"Checkpoint '{path}' does not match the optimizer ({optimizer.GetType().Name}) or is truncated: {e.Message}", e);
        }
    }

    private static TrainingCheckpoint ReadHeader(BinaryReader reader, string path)
    {
        try
        {
            if (reader.ReadString() != Magic)
            {
                throw new InvalidDataException($"'{path}' is not a Siamese.Net training checkpoint.");
            }

            int format = reader.ReadInt32();
            if (format != CurrentFormat)
            {
                throw new InvalidDataException($"Checkpoint '{path}' has format {format}; this version reads format {CurrentFormat}.");
            }

            return JsonSerializer.Deserialize<TrainingCheckpoint>(reader.ReadString(), JsonOptions)
                   ?? throw new InvalidDataException($"Checkpoint '{path}' has an empty header.");
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException)
        {
            throw new InvalidDataException($"'{path}' is not a readable Siamese.Net training checkpoint: {e.Message}", e);
        }
    }

    private static void ReadModules(BinaryReader reader, TrainingCheckpoint header, IReadOnlyList<nn.Module> modules, string path, bool allowFewer)
    {
        int count = reader.ReadInt32();
        if (count != header.ModuleTypes.Count || count < modules.Count || (!allowFewer && count != modules.Count))
        {
            throw new InvalidDataException(
                $"Checkpoint '{path}' holds {count} modules ({string.Join(", ", header.ModuleTypes)}) but {modules.Count} were given.");
        }

        for (int i = 0; i < modules.Count; i++)
        {
            var expected = header.ModuleTypes[i];
            var actual = modules[i].GetType().FullName;
            if (expected != actual)
            {
                throw new InvalidDataException($"Checkpoint '{path}' module {i} is a {expected}, not a {actual}.");
            }

            try
            {
                modules[i].load(reader, strict: true);
            }
            catch (Exception e) when (e is ArgumentException or EndOfStreamException or InvalidOperationException)
            {
                throw new InvalidDataException($"Checkpoint '{path}' module {i} ({expected}) does not match the given module: {e.Message}", e);
            }
        }
    }
}
