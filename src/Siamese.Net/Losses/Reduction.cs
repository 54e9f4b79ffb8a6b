namespace Siamese.Net.Losses;

/// <summary>How a loss combines the per-item (per-pair or per-triplet) losses of a batch.</summary>
public enum Reduction
{
    /// <summary>The average over the items (what every tutorial uses); zero for an empty batch.</summary>
    Mean,

    /// <summary>The sum over the items.</summary>
    Sum,

    /// <summary>No reduction: one loss per item, a tensor [N].</summary>
    None,
}
