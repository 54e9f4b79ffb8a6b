using Microsoft.Extensions.Logging;

namespace Siamese.Net.Training;

/// <summary>Source-generated log messages of <see cref="SiameseTrainer"/> (no formatting cost when disabled).</summary>
/// <remarks>
/// Event ids 6001-6099 belong to the trainer (docs/training.md lists them); ids are never reused for another meaning.
/// Numbers are rounded one way everywhere: losses, metrics and learning rates to 4 significant digits (G4), seconds
/// and samples per second to one decimal (F1).
/// </remarks>
internal static partial class TrainerLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information,
        Message = "Training {Epochs} epochs of {StepsPerEpoch} steps on {Device} with {Optimizer} (lr {LearningRate:G4}), {Parameters} trainable parameters")]
    public static partial void Starting(ILogger logger, int epochs, int stepsPerEpoch, string device, string optimizer, double learningRate, long parameters);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information,
        Message = "Resuming from {Checkpoint} at epoch {Epoch}, step {Step} (global step {GlobalStep})")]
    public static partial void Resuming(ILogger logger, string checkpoint, int epoch, int step, long globalStep);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Debug,
        Message = "Epoch {Epoch} step {Step}/{StepsPerEpoch}: loss {Loss:G4}, {SamplesPerSecond:F1} samples/s")]
    public static partial void StepProgress(ILogger logger, int epoch, int step, int stepsPerEpoch, double loss, double samplesPerSecond);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information,
        Message = "Epoch {Epoch}: training loss {Loss:G4}, lr {LearningRate:G4}, {Seconds:F1} s")]
    public static partial void EpochDone(ILogger logger, int epoch, double loss, double learningRate, double seconds);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information,
        Message = "Epoch {Epoch} validation: loss {Loss:G4}, accuracy {Accuracy:G4}, AUC {RocAuc:G4}, EER {Eer:G4}")]
    public static partial void Validated(ILogger logger, int epoch, double loss, double accuracy, double? rocAuc, double? eer);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Information,
        Message = "Epoch {Epoch} is the best so far: {Metric} = {Value:G4}")]
    public static partial void NewBest(ILogger logger, int epoch, string metric, double value);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Information,
        Message = "Early stopping after epoch {Epoch}: {Metric} has not improved for {Patience} evaluations")]
    public static partial void EarlyStop(ILogger logger, int epoch, string metric, int patience);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Debug, Message = "Checkpoint written: {Path}")]
    public static partial void CheckpointWritten(ILogger logger, string path);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Warning,
        Message = "Training cancelled at epoch {Epoch}, step {Step}; resume from {Checkpoint}")]
    public static partial void Cancelled(ILogger logger, int epoch, int step, string? checkpoint);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Error,
        Message = "Non-finite training loss at epoch {Epoch}, step {Step}")]
    public static partial void NonFinite(ILogger logger, int epoch, int step);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Error,
        Message = "Reading training data failed at epoch {Epoch}, step {Step}")]
    public static partial void DataFailed(ILogger logger, Exception exception, int epoch, int step);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Information,
        Message = "Training finished after {Epochs} epochs; best epoch {BestEpoch} ({Metric} = {BestValue:G4})")]
    public static partial void Finished(ILogger logger, int epochs, int? bestEpoch, string metric, double? bestValue);

    [LoggerMessage(EventId = 6013, Level = LogLevel.Warning,
        Message = "The best-epoch weights of the resumed run are not available ({Reason}); the best epoch is counted from epoch {Epoch}")]
    public static partial void BestUnavailable(ILogger logger, string reason, int epoch);

    [LoggerMessage(EventId = 6014, Level = LogLevel.Warning,
        Message = "Epoch {Epoch} step {Step}: the loss has seen no active tuple for {Steps} steps in a row; the batches or the miner give it nothing to learn from (check images per class and the margin)")]
    public static partial void NoActiveTuples(ILogger logger, int epoch, int step, long steps);

    [LoggerMessage(EventId = 6015, Level = LogLevel.Information, Message = "Verified that all {Count} images of a source decode")]
    public static partial void ImagesVerified(ILogger logger, int count);

    [LoggerMessage(EventId = 6016, Level = LogLevel.Warning,
        Message = "The checkpoint {Checkpoint} holds no state of callback {Callback}; it starts afresh, so the resumed run may differ from an uninterrupted one")]
    public static partial void CallbackStateMissing(ILogger logger, string callback, string checkpoint);
}
