namespace Siamese.Net.Search;

/// <summary>
/// Per-class aggregation and top-k, written once for every index that finds nearest <em>samples</em>: the best
/// distance of each class, classes ordered by distance, ties by the order the classes were first added.
/// </summary>
public static class ClassRanking
{
    /// <summary>The <paramref name="k"/> nearest distinct classes among scored samples.</summary>
    /// <param name="samples">Scored samples: the class's insertion rank (position in <see cref="ISupportIndex.Classes"/>), its label and the distance.</param>
    /// <param name="k">Number of classes to keep; positive.</param>
    /// <returns>At most <paramref name="k"/> classes, nearest first.</returns>
    public static IReadOnlyList<SupportMatch> TopClasses(IEnumerable<(int ClassRank, string Label, double Distance)> samples, int k)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var best = new Dictionary<int, (string Label, double Distance)>();
        foreach (var (rank, label, distance) in samples)
        {
            if (!best.TryGetValue(rank, out var current) || distance < current.Distance)
            {
                best[rank] = (label, distance);
            }
        }

        return best
            .OrderBy(kv => kv.Value.Distance)
            .ThenBy(kv => kv.Key)
            .Take(k)
            .Select(kv => new SupportMatch(kv.Value.Label, kv.Value.Distance))
            .ToArray();
    }
}
