namespace Siamese.Net.Training;

/// <summary>
/// The names of the metrics the trainer records per epoch (<see cref="EpochRecord.Metrics"/>), which
/// <see cref="SiameseTrainerOptions.Monitor"/> and callbacks refer to. A callback may add its own keys.
/// </summary>
public static class MetricKeys
{
    /// <summary>Mean training loss per image of the epoch (lower is better).</summary>
    public const string TrainingLoss = "train/loss";

    /// <summary>Mean active tuples per training step (pairs, triplets or queries with a non-zero loss).</summary>
    public const string TrainingActiveTuples = "train/active_tuples";

    /// <summary>Mean validation loss per image (lower is better).</summary>
    public const string ValidationLoss = "val/loss";

    /// <summary>Area under the ROC curve of the validation pairs (higher is better).</summary>
    public const string ValidationRocAuc = "val/auc";

    /// <summary>Equal error rate of the validation pairs (lower is better).</summary>
    public const string ValidationEer = "val/eer";

    /// <summary>Accuracy of the validation pairs at the best threshold (higher is better).</summary>
    public const string ValidationPairAccuracy = "val/pair_accuracy";

    /// <summary>N-way accuracy of the validation batches' queries against their support images (higher is better).</summary>
    public const string ValidationNWayAccuracy = "val/nway_accuracy";

    /// <summary>Whether a larger value of a metric is better: false for losses and error rates, true otherwise.</summary>
    /// <param name="key">A metric key.</param>
    /// <returns>True when larger is better.</returns>
    public static bool HigherIsBetter(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return !(key.EndsWith("loss", StringComparison.Ordinal) || key.EndsWith("eer", StringComparison.Ordinal) || key.EndsWith("error", StringComparison.Ordinal));
    }
}
