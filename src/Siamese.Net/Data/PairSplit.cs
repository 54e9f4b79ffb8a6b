using Siamese.Net.Datasets;
namespace Siamese.Net.Data;

/// <summary>
/// Splits a pair list so that no group (a writer, a person, an alphabet) has images on both sides: the honest split
/// for verification, since a model validated on pairs of people it trained on reports how well it remembers them,
/// not how well it generalises.
/// </summary>
public static class PairSplit
{
    /// <summary>Splits pairs by the group of their images.</summary>
    /// <param name="pairs">The pairs (e.g. from <see cref="PairCsv"/>).</param>
    /// <param name="groupOf">The group of an image path (e.g. its writer's folder name).</param>
    /// <param name="validationFraction">Fraction of the groups that go to validation, in (0, 1); at least one group goes to each side.</param>
    /// <param name="seed">Seed of the group shuffle.</param>
    /// <returns>
    /// The training and validation pairs, and the pairs dropped because their two images belong to groups on
    /// different sides (for a forgery of writer A by writer B, say).
    /// </returns>
    /// <exception cref="ArgumentException">There are fewer than two groups, or the fraction is out of range.</exception>
    public static PairSplitResult ByGroup(IReadOnlyList<ImagePair> pairs, Func<string, string> groupOf, double validationFraction, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(groupOf);
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "validationFraction must be in (0, 1).");
        }

        // Ordinal order first, so the split depends only on the groups and the seed, not on the order of the pairs.
        var groups = pairs.SelectMany(p => new[] { groupOf(p.First), groupOf(p.Second) }).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).ToArray();
        if (groups.Length < 2)
        {
            throw new ArgumentException($"A group-disjoint split needs at least two groups; the pairs have {groups.Length}.", nameof(pairs));
        }

        var order = SeedStreams.Permutation(groups.Length, SeedStreams.Random(seed, 0x5917));
        int validationCount = Math.Clamp((int)Math.Round(groups.Length * validationFraction), 1, groups.Length - 1);
        var validationGroups = order.Take(validationCount).Select(i => groups[i]).ToHashSet(StringComparer.Ordinal);
        var training = new List<ImagePair>();
        var validation = new List<ImagePair>();
        var dropped = new List<ImagePair>();
        foreach (var pair in pairs)
        {
            bool first = validationGroups.Contains(groupOf(pair.First));
            bool second = validationGroups.Contains(groupOf(pair.Second));
            (first == second ? (first ? validation : training) : dropped).Add(pair);
        }

        return new PairSplitResult(training, validation, dropped, validationGroups.Order(StringComparer.Ordinal).ToArray());
    }
}
