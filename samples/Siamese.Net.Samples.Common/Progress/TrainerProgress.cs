using System.Globalization;
using Siamese.Net.Training;

namespace Siamese.Net.Samples.Common.Progress;

/// <summary>Connects <see cref="SiameseTrainer"/>'s progress reports to a <see cref="TrainingProgressBar"/>.</summary>
public static class TrainerProgress
{
    /// <summary>
    /// An <see cref="IProgress{T}"/> to pass to <c>SiameseTrainer.Fit</c> that shows each report on
    /// <paramref name="bar"/>, synchronously and in order (the trainer counts epochs from 0, the bar from 1). The
    /// report the trainer sends after an epoch's validation closes the epoch on the bar, with the validation numbers.
    /// </summary>
    public static IProgress<TrainingProgress> For(IProgress<TrainingStatus> bar) =>
        ProgressMapping.Map<TrainingProgress, TrainingStatus>(bar, p =>
            new TrainingStatus(p.Epoch + 1, p.Epochs, p.Step, p.StepsPerEpoch, p.Loss)
            {
                SamplesPerSecond = p.SamplesPerSecond,
                EstimatedRemaining = p.EstimatedRemaining,
                EpochCompleted = p.CompletedEpoch is not null,
                ValidationLoss = p.CompletedEpoch?.Validation?.Loss,
                ValidationSummary = p.CompletedEpoch is { } epoch ? Summarise(epoch) : null,
            });

    /// <summary>The validation metrics of an epoch as one short phrase, e.g. <c>AUC 0.9876, EER 0.0412, accuracy 0.9500 (best)</c>.</summary>
    internal static string? Summarise(EpochRecord epoch)
    {
        if (epoch.Validation is not { } v)
        {
            return null;
        }

        var parts = new List<string>(3);
        if (v.RocAuc is double auc)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"AUC {auc:F4}"));
        }

        if (v.Eer is double eer)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"EER {eer:F4}"));
        }

        parts.Add(string.Create(CultureInfo.InvariantCulture, $"accuracy {v.Accuracy:F4}"));
        return string.Join(", ", parts) + (epoch.IsBest ? " (best)" : string.Empty);
    }
}
