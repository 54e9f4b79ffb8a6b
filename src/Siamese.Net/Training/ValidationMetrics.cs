using Siamese.Net.Evaluation;

namespace Siamese.Net.Training;

/// <summary>
/// What one validation pass measured from one set of embeddings: pair metrics from the batches' pairs (given tuples,
/// or all pairs of a labelled batch) and N-way accuracy from their labels. A value the batches cannot give is null.
/// </summary>
public sealed record ValidationMetrics
{
    /// <summary>Mean validation loss per sample.</summary>
    public required double Loss { get; init; }

    /// <summary>Pairs: area under the ROC curve of the same-pair score (1 = perfect, 0.5 = chance).</summary>
    public double? RocAuc { get; init; }

    /// <summary>Pairs: equal error rate, where false accepts equal false rejects (0 = perfect).</summary>
    public double? Eer { get; init; }

    /// <summary>Pairs: accuracy at <see cref="Threshold"/>, the best threshold on these pairs.</summary>
    public double? PairAccuracy { get; init; }

    /// <summary>
    /// Labelled batches: N-way accuracy of the queries, each batch's first <c>SupportShots</c> images per class being the
    /// support set (nearest support image under the validation distance).
    /// </summary>
    public double? NWayAccuracy { get; init; }

    /// <summary>The N-way accuracy where the batches have labels, else the pair accuracy (0 when neither applies).</summary>
    public double Accuracy => NWayAccuracy ?? PairAccuracy ?? 0;

    /// <summary>
    /// Pairs: the threshold giving <see cref="Accuracy"/>, in the units of <see cref="ThresholdKind"/>: a distance
    /// (a pair is "same" when its distance is at most the threshold) or, for a BCE head, a same-probability (a pair is
    /// "same" when its probability is at least the threshold).
    /// </summary>
    public double? Threshold { get; init; }

    /// <summary>Pairs: whether <see cref="Threshold"/> is a distance or a similarity (probability).</summary>
    public ScoreKind? ThresholdKind { get; init; }

    /// <summary>Labelled batches: the mean number of classes (N) per batch.</summary>
    public double? Ways { get; init; }

    /// <summary>Number of validation images.</summary>
    public required long Count { get; init; }

    /// <summary>Adds the measured values to <paramref name="metrics"/> under their <see cref="MetricKeys"/>.</summary>
    internal void CopyTo(IDictionary<string, double> metrics)
    {
        metrics[MetricKeys.ValidationLoss] = Loss;
        if (RocAuc is { } auc)
        {
            metrics[MetricKeys.ValidationRocAuc] = auc;
        }

        if (Eer is { } eer)
        {
            metrics[MetricKeys.ValidationEer] = eer;
        }

        if (PairAccuracy is { } pair)
        {
            metrics[MetricKeys.ValidationPairAccuracy] = pair;
        }

        if (NWayAccuracy is { } nway)
        {
            metrics[MetricKeys.ValidationNWayAccuracy] = nway;
        }
    }
}
