using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Siamese.Net.Data;
using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// Trains a Siamese network (any embedding module, e.g. <c>SiameseNetwork</c> or a bare encoder) with a pair loss or
/// a metric loss: a small loop (forward, loss, backward, gradient clipping, step, NaN/Inf detection, validation,
/// cancellation with a resumable checkpoint) plus callbacks (<see cref="ITrainerCallback"/>) for every policy:
/// <see cref="KeepBestWeights"/>, <see cref="ModelCheckpoint"/>, <see cref="EarlyStopping"/>,
/// <see cref="LearningRateScheduler"/>, <see cref="ProgressReporter"/> and your own. See <see cref="SiameseTrainerOptions"/>.
/// </summary>
/// <remarks>
/// <para>
/// Reproducibility: given the same initial weights, options and batch sources, a run gives the same weights whether
/// it runs uninterrupted or is cancelled and resumed from its checkpoint (bit for bit on CPU). This relies on the
/// <see cref="IBatchSource{TBatch}"/> contract (same batches for the same epoch) and on the trainer reseeding torch's
/// random generator from (<see cref="SiameseTrainerOptions.Seed"/>, epoch) at each epoch and saving its state in
/// checkpoints. Torch's default generator is process-wide: do not train two models at once in one process if you
/// need this guarantee.
/// </para>
/// <para>
/// A trainer holds no state between calls and may be reused; one <c>Fit</c> runs at a time per network.
/// </para>
/// </remarks>
public sealed class SiameseTrainer
{
    private readonly ILogger _logger;

    /// <summary>Creates a trainer.</summary>
    /// <param name="options">Settings; the defaults when null. Validated here.</param>
    /// <param name="logger">Receives progress and diagnostics; nothing is logged when null.</param>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    public SiameseTrainer(SiameseTrainerOptions? options = null, ILogger<SiameseTrainer>? logger = null)
    {
        Options = options ?? new SiameseTrainerOptions();
        Options.Validate();
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The validated settings.</summary>
    public SiameseTrainerOptions Options { get; }

    /// <summary>
    /// Trains <paramref name="network"/> with <paramref name="loss"/> on any batches: pairs (2N images with their
    /// pair tuples), triplets (3N images), P×K labelled batches (the loss's miner, or all tuples of the labels, picks
    /// the pairs or triplets) or episodes. The loss's parameters (a BCE head, proxies) are trained and checkpointed
    /// with the network. Validation embeds each batch once and reports the loss, pair metrics (ROC AUC, EER, accuracy
    /// at the best threshold) from its pairs and N-way accuracy from its labels, ranked by the loss's learned distance
    /// (a BCE head), else a <see cref="SiameseNetwork"/>'s distance, else the loss's.
    /// </summary>
    /// <param name="network">The embedding network (images [N, C, H, W] to embeddings [N, D]); trained in place.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="training">Training batches, read once per epoch.</param>
    /// <param name="validation">Validation batches (read as epoch 0 every time), or null.</param>
    /// <param name="progress">Receives a report every <see cref="SiameseTrainerOptions.LogEverySteps"/> steps and after each epoch
    /// (through a <see cref="ProgressReporter"/> the trainer adds), or null.</param>
    /// <param name="cancellationToken">
    /// Stops at the next step boundary: a checkpoint is written (when a checkpoint folder is set) and
    /// <see cref="OperationCanceledException"/> is thrown; resume with <see cref="SiameseTrainerOptions.ResumeFrom"/>.
    /// </param>
    /// <returns>The history and the best epoch; the network holds the best weights when <see cref="SiameseTrainerOptions.KeepBest"/>.</returns>
    /// <exception cref="NonFiniteLossException">The loss, a gradient, a weight or a buffer became NaN or infinite (names epoch and step).</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    /// <exception cref="ArgumentException">The monitored metric needs a validation source, or the sources are empty.</exception>
    public TrainingResult Fit(
        nn.Module<Tensor, Tensor> network,
        MetricLoss loss,
        IBatchSource<ITrainingBatch> training,
        IBatchSource<ITrainingBatch>? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(training);
        var monitor = Options.EffectiveMonitor(validation is not null);
        if (monitor.StartsWith("val/", StringComparison.Ordinal) && validation is null)
        {
            throw new ArgumentException(
                $"{nameof(SiameseTrainerOptions.Monitor)} = {monitor} needs a validation source; pass one or monitor {MetricKeys.TrainingLoss}.",
                nameof(validation));
        }

        if (training is IPerClassBatchSource<ITrainingBatch> perClass && perClass.ImagesPerClass < loss.MinimumImagesPerClass)
        {
            throw new ArgumentException(
                $"{loss.GetName()} needs at least {loss.MinimumImagesPerClass} images of each class in a batch, but the training source draws {perClass.ImagesPerClass}: " +
                "it would never find a positive pair. Draw more images per class.",
                nameof(training));
        }

        if (training.BatchesPerEpoch < 1)
        {
            throw new ArgumentException($"The training source has {training.BatchesPerEpoch} batches per epoch.", nameof(training));
        }

        if (Options.VerifyImages && Options.ResumeFrom is null)
        {
            VerifyImages(training, validation, cancellationToken);
        }

        var callbacks = Options.RunCallbacks(progress);
        if (callbacks.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } clash)
        {
            throw new ArgumentException(
                $"Two callbacks of the run are named '{clash.Key}' (a {nameof(ProgressReporter)} for the progress argument and one in {nameof(SiameseTrainerOptions.Callbacks)}?); names key checkpoint state and must be unique.",
                nameof(progress));
        }

        try
        {
            using var run = new TrainingRun(Options, _logger, network, loss, training, validation, callbacks, cancellationToken);
            var result = run.Execute();
            return result with
            {
                RestoredBest = callbacks.OfType<KeepBestWeights>().Any(k => k.Restored),
                BestCheckpoint = callbacks.OfType<ModelCheckpoint>().FirstOrDefault()?.BestCheckpoint,
            };
        }
        finally
        {
            // Only the keep-best callback the trainer made itself: one the caller gave is the caller's to dispose.
            foreach (var own in callbacks.Except(Options.Callbacks).OfType<IDisposable>())
            {
                own.Dispose();
            }
        }
    }

    /// <summary>Decodes every image file of the sources once, before training, naming every bad one.</summary>
    private void VerifyImages(IBatchSource<ITrainingBatch> training, IBatchSource<ITrainingBatch>? validation, CancellationToken cancellationToken)
    {
        foreach (var source in new object?[] { training, validation }.OfType<IImageFileSource>())
        {
            var paths = source.ImagePaths.Distinct(StringComparer.Ordinal).ToArray();
            if (paths.Length > 0)
            {
                int checkedCount = DatasetVerifier.Verify(paths, new DatasetVerifierOptions { Decoder = source.Decoder }, cancellationToken: cancellationToken);
                TrainerLog.ImagesVerified(_logger, checkedCount);
            }
        }
    }
}
