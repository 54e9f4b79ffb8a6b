namespace Siamese.Net.Data;

/// <summary>The result of <see cref="PairSplit.ByGroup"/>.</summary>
/// <param name="Training">Pairs whose images all belong to training groups.</param>
/// <param name="Validation">Pairs whose images all belong to validation groups.</param>
/// <param name="Dropped">Pairs that straddle the split (one image on each side).</param>
/// <param name="ValidationGroups">The groups on the validation side, in ordinal order.</param>
public sealed record PairSplitResult(
    IReadOnlyList<ImagePair> Training,
    IReadOnlyList<ImagePair> Validation,
    IReadOnlyList<ImagePair> Dropped,
    IReadOnlyList<string> ValidationGroups);
