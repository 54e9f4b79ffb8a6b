namespace Siamese.Net.Miners;

/// <summary>
/// Which triplets <see cref="TripletMarginMiner"/> keeps, by their gap <c>g = d(a, n) - d(a, p)</c> against the margin
/// <c>m</c> (pytorch-metric-learning's <c>type_of_triplets</c>).
/// </summary>
public enum TripletSelection
{
    /// <summary>Every triplet that violates the margin, <c>g &lt;= m</c> (hard and semi-hard): the ones a triplet loss learns from.</summary>
    All = 0,

    /// <summary>The negative is at least as close as the positive, <c>g &lt;= 0</c>.</summary>
    Hard = 1,

    /// <summary>The negative is farther than the positive but within the margin, <c>0 &lt; g &lt;= m</c>.</summary>
    SemiHard = 2,

    /// <summary>The margin is already satisfied, <c>g &gt; m</c> (no loss; for analysis and curricula).</summary>
    Easy = 3,
}
