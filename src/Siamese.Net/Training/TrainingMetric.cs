namespace Siamese.Net.Training;

/// <summary>A per-epoch quantity that early stopping, the plateau schedule and "keep best" can monitor.</summary>
public enum TrainingMetric
{
    /// <summary>Mean training loss of the epoch (per sample). Lower is better.</summary>
    TrainingLoss = 0,

    /// <summary>Mean validation loss (per sample). Lower is better.</summary>
    ValidationLoss = 1,

    /// <summary>Area under the ROC curve of the validation pairs (pair validation only). Higher is better.</summary>
    ValidationRocAuc = 2,

    /// <summary>Equal error rate of the validation pairs (pair validation only). Lower is better.</summary>
    ValidationEer = 3,

    /// <summary>
    /// Validation accuracy: for pairs, the accuracy at the best threshold; for episodes, the N-way accuracy.
    /// Higher is better.
    /// </summary>
    ValidationAccuracy = 4,
}
