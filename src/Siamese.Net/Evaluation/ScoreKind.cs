namespace Siamese.Net.Evaluation;

/// <summary>
/// What a pair score means. Metrics and thresholds are always reported in the units the caller gave, so a
/// distance threshold stays a distance and can be handed to the one-shot classifier unchanged.
/// </summary>
public enum ScoreKind
{
    /// <summary>Larger means more alike (cosine similarity, a same-probability). A pair is accepted as "same" when <c>score &gt;= threshold</c>.</summary>
    Similarity = 1,

    /// <summary>Smaller means more alike (Euclidean distance). A pair is accepted as "same" when <c>distance &lt;= threshold</c>.</summary>
    Distance = 2,
}
