using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Siamese.Net.Data;
using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// Trains a Siamese network (any embedding module, e.g. <c>SiameseNetwork</c> or a bare encoder) with a pair loss or
/// a metric loss: optimizer and learning-rate schedule, validation, early stopping, best-epoch tracking, atomic
/// resumable checkpoints, NaN detection, cancellation, logging and progress. See <see cref="SiameseTrainerOptions"/>.
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
    /// Trains on pairs with a pair loss (<see cref="ContrastiveLoss"/>, <see cref="BceHeadLoss"/>, ...). The loss's
    /// parameters (a BCE head) are trained and checkpointed with the network. Validation reports the loss, ROC AUC,
    /// EER and the accuracy at the best threshold, scoring pairs by the BCE head's same-probability, else by the
    /// distance of a <see cref="SiameseNetwork"/>, else by the loss's distance (Euclidean when it has none).
    /// </summary>
    /// <param name="network">The embedding network (images [N, C, H, W] to embeddings [N, D]); trained in place.</param>
    /// <param name="loss">The pair loss.</param>
    /// <param name="training">Training pairs, read once per epoch.</param>
    /// <param name="validation">Validation pairs (needs both same and different pairs), or null.</param>
    /// <param name="progress">Receives a report every <see cref="SiameseTrainerOptions.LogEverySteps"/> steps.</param>
    /// <param name="cancellationToken">
    /// Stops at the next step boundary: a checkpoint is written (when a checkpoint folder is set) and
    /// <see cref="OperationCanceledException"/> is thrown; resume with <see cref="SiameseTrainerOptions.ResumeFrom"/>.
    /// </param>
    /// <returns>The history and the best epoch; the network holds the best weights when <see cref="SiameseTrainerOptions.KeepBest"/>.</returns>
    /// <exception cref="NonFiniteLossException">The loss became NaN or infinite (names epoch and step).</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    /// <exception cref="ArgumentException">The monitored metric needs a validation source, or does not apply to pairs.</exception>
    public TrainingResult Fit(
        nn.Module<Tensor, Tensor> network,
        PairLoss loss,
        IBatchSource<PairBatch> training,
        IBatchSource<PairBatch>? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(training);
        return Run(new PairTrainingTask(network, loss), training, validation, progress, cancellationToken);
    }

    /// <summary>
    /// Trains on labelled batches with a metric loss (e.g. <see cref="TripletMarginLoss"/> with a miner, on batches of
    /// M images per class). Validation treats each validation batch as one N-way episode: the first image of each
    /// class is its support, the other images are queries classified by their nearest support (by the distance of a
    /// <see cref="SiameseNetwork"/>, else of the loss); it reports the loss and the N-way accuracy.
    /// </summary>
    /// <param name="network">The embedding network (images [N, C, H, W] to embeddings [N, D]); trained in place.</param>
    /// <param name="loss">The metric loss.</param>
    /// <param name="training">Training batches, read once per epoch.</param>
    /// <param name="validation">Validation episodes, or null.</param>
    /// <param name="progress">Receives a report every <see cref="SiameseTrainerOptions.LogEverySteps"/> steps.</param>
    /// <param name="cancellationToken">Stops at the next step boundary, leaving a resumable checkpoint.</param>
    /// <returns>The history and the best epoch.</returns>
    /// <exception cref="NonFiniteLossException">The loss became NaN or infinite (names epoch and step).</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    /// <exception cref="ArgumentException">The monitored metric needs a validation source, or is a pair-only metric.</exception>
    public TrainingResult Fit(
        nn.Module<Tensor, Tensor> network,
        MetricLoss loss,
        IBatchSource<LabelledBatch> training,
        IBatchSource<LabelledBatch>? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(training);
        return Run(MetricTrainingTask.WithBatchEpisodes(network, loss), training, validation, progress, cancellationToken);
    }

    /// <summary>
    /// Trains on labelled batches with a metric loss and validates on N-way K-shot episodes (for example an
    /// <see cref="EpisodeSource"/>): each query is classified as the class of its nearest support embedding (by the
    /// distance of a <see cref="SiameseNetwork"/>, else of the loss). Reports the N-way accuracy and the metric loss of
    /// each episode's support and queries together.
    /// </summary>
    /// <param name="network">The embedding network; trained in place.</param>
    /// <param name="loss">The metric loss.</param>
    /// <param name="training">Training batches, read once per epoch.</param>
    /// <param name="validation">Validation episodes (the same ones every validation: epoch 0 is read).</param>
    /// <param name="progress">Receives a report every <see cref="SiameseTrainerOptions.LogEverySteps"/> steps.</param>
    /// <param name="cancellationToken">Stops at the next step boundary, leaving a resumable checkpoint.</param>
    /// <returns>The history and the best epoch.</returns>
    /// <exception cref="NonFiniteLossException">The loss became NaN or infinite (names epoch and step).</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    /// <exception cref="ArgumentException">The monitored metric is a pair-only metric.</exception>
    public TrainingResult Fit(
        nn.Module<Tensor, Tensor> network,
        MetricLoss loss,
        IBatchSource<LabelledBatch> training,
        IBatchSource<FewShotEpisode> validation,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(validation);
        return Run(MetricTrainingTask.WithEpisodes(network, loss), training, validation, progress, cancellationToken);
    }

    /// <summary>
    /// Trains on explicit (anchor, positive, negative) triplets (for example a <see cref="TripletSource"/>) with a
    /// triplet loss, all three images of a triplet in one batched forward. Validation triplets are scored as one same
    /// pair (anchor, positive) and one different pair (anchor, negative): it reports the triplet loss, ROC AUC, EER
    /// and the accuracy at the best distance threshold.
    /// </summary>
    /// <param name="network">The embedding network; trained in place.</param>
    /// <param name="loss">The triplet loss (its miner is not used: the triplets are given).</param>
    /// <param name="training">Training triplets, read once per epoch.</param>
    /// <param name="validation">Validation triplets, or null.</param>
    /// <param name="progress">Receives a report every <see cref="SiameseTrainerOptions.LogEverySteps"/> steps.</param>
    /// <param name="cancellationToken">Stops at the next step boundary, leaving a resumable checkpoint.</param>
    /// <returns>The history and the best epoch.</returns>
    /// <exception cref="NonFiniteLossException">The loss became NaN or infinite (names epoch and step).</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    /// <exception cref="ArgumentException">The monitored metric needs a validation source.</exception>
    public TrainingResult Fit(
        nn.Module<Tensor, Tensor> network,
        TripletMarginLoss loss,
        IBatchSource<TripletBatch> training,
        IBatchSource<TripletBatch>? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(training);
        return Run(new TripletTrainingTask(network, loss), training, validation, progress, cancellationToken);
    }

    /// <summary>Runs any training task; the public overloads only pick the task.</summary>
    internal TrainingResult Run<TBatch, TValidation>(
        ITrainingTask<TBatch, TValidation> task,
        IBatchSource<TBatch> training,
        IBatchSource<TValidation>? validation,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
        where TBatch : IDisposable
        where TValidation : IDisposable
    {
        var monitor = Options.EffectiveMonitor(validation is not null);
        if (monitor != TrainingMetric.TrainingLoss && validation is null)
        {
            throw new ArgumentException(
                $"{nameof(SiameseTrainerOptions.Monitor)} = {monitor} needs a validation source; pass one or monitor {TrainingMetric.TrainingLoss}.",
                nameof(validation));
        }

        if (task.ValidationKind == ValidationKind.Episodes && monitor is TrainingMetric.ValidationRocAuc or TrainingMetric.ValidationEer)
        {
            throw new ArgumentException(
                $"{nameof(SiameseTrainerOptions.Monitor)} = {monitor} applies to pair validation; episode validation reports {TrainingMetric.ValidationLoss} and {TrainingMetric.ValidationAccuracy}.",
                nameof(validation));
        }

        if (training.BatchesPerEpoch < 1)
        {
            throw new ArgumentException($"The training source has {training.BatchesPerEpoch} batches per epoch.", nameof(training));
        }

        using var run = new TrainingRun<TBatch, TValidation>(Options, _logger, task, training, validation, monitor, progress, cancellationToken);
        return run.Execute();
    }
}
