namespace Siamese.Net.Training;

/// <summary>Whether a monitored metric improves when it goes down or when it goes up.</summary>
public enum MetricMode
{
    /// <summary>Smaller is better (losses, error rates).</summary>
    Min = 1,

    /// <summary>Larger is better (AUC, accuracy).</summary>
    Max = 2,
}
