using System.Globalization;
using Siamese.Net.Data;
using Siamese.Net.Datasets;

namespace OmniglotOneShot;

/// <summary>
/// Draws Lake-style one-shot runs from held-out classes in memory: each run takes N characters of one alphabet (like
/// Lake's within-alphabet runs, the harder setting), one drawing of each as support and another drawing, by a different
/// drawer, as its query. The result is the library's <see cref="OneShotRun"/>, so held-out runs and Lake's runs go
/// through the same evaluation.
/// </summary>
public static class HeldOutRuns
{
    /// <summary>Draws <paramref name="count"/> runs of <paramref name="ways"/> classes.</summary>
    /// <param name="dataset">The held-out classes (class names <c>Alphabet/character</c>).</param>
    /// <param name="count">Runs to draw.</param>
    /// <param name="ways">Classes per run.</param>
    /// <param name="seed">Seed of the draws.</param>
    /// <exception cref="ArgumentException">Fewer than <paramref name="ways"/> classes have two images.</exception>
    public static IReadOnlyList<OneShotRun> Draw(ImageFolderDataset dataset, int count, int ways, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ways, 2);
        var eligible = Enumerable.Range(0, dataset.ClassCount).Where(c => dataset.ImagesOfClass(c).Count >= 2).ToArray();
        if (eligible.Length < ways)
        {
            throw new ArgumentException($"{ways}-way runs need {ways} held-out classes with two drawings; there are {eligible.Length}.", nameof(dataset));
        }

        var alphabets = eligible.GroupBy(c => AlphabetOf(dataset.ClassNames[c]), StringComparer.Ordinal)
            .Select(g => g.ToArray()).Where(g => g.Length >= ways).ToList();
        var random = new Random(seed);
        var runs = new List<OneShotRun>(count);
        for (int r = 0; r < count; r++)
        {
            // Within one alphabet when one is big enough (cycling through them), across alphabets otherwise.
            var pool = alphabets.Count > 0 ? alphabets[r % alphabets.Count] : eligible;
            var classes = Shuffled(pool, random).Take(ways).ToArray();
            var support = new string[ways];
            var queries = new (string Path, int Target)[ways];
            for (int w = 0; w < ways; w++)
            {
                var members = dataset.ImagesOfClass(classes[w]);
                int a = random.Next(members.Count);
                int b = (a + 1 + random.Next(members.Count - 1)) % members.Count;
                support[w] = dataset.Images[members[a]].Path;
                queries[w] = (dataset.Images[members[b]].Path, w);
            }

            var shuffled = Shuffled(queries, random);
            runs.Add(new OneShotRun(
                string.Create(CultureInfo.InvariantCulture, $"heldout{r + 1:D3}"),
                support,
                shuffled.Select(q => q.Path).ToArray(),
                shuffled.Select(q => q.Target).ToArray()));
        }

        return runs;
    }

    /// <summary>The alphabet of a class name <c>Alphabet/character</c> (the whole name at depth 1).</summary>
    public static string AlphabetOf(string className)
    {
        ArgumentNullException.ThrowIfNull(className);
        int slash = className.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? className : className[..slash];
    }

    private static T[] Shuffled<T>(IReadOnlyList<T> items, Random random)
    {
        var copy = items.ToArray();
        random.Shuffle(copy);
        return copy;
    }
}
