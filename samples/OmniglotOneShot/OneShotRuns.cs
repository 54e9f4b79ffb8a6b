using System.Globalization;
using Siamese.Net.Data;
using Siamese.Net.Datasets;
using Siamese.Net.Distances;
using static TorchSharp.torch;

namespace OmniglotOneShot;

/// <summary>One query as scored: its run, the support image chosen, the distance to it, and whether it was right.</summary>
public sealed record QueryOutcome(string Run, string Query, string Chosen, double Distance, bool Correct);

/// <summary>Accuracy per run, the query-to-support distances of the same and other characters, and every answer.</summary>
public sealed record RunScores(double[] AccuracyPerRun, List<double> Same, List<double> Different, List<QueryOutcome> Outcomes)
{ public double Accuracy => AccuracyPerRun.Average(); }

/// <summary>Splits by alphabet or character, draws Lake-style runs, and scores runs on embeddings.</summary>
public static class OneShotRuns
{
    public static string AlphabetOf(string className) => className.Split('/')[0];

    /// <summary>Keeps the classes whose name passes <paramref name="keep"/>, renumbered.</summary>
    public static ImageFolderDataset Subset(ImageFolderDataset dataset, Func<string, bool> keep) => dataset.WithClasses(dataset.ClassNames.Where(keep));

    /// <summary>
    /// N-way 1-shot runs as Lake's: N characters (of one alphabet when <paramref name="withinAlphabet"/> and one is big
    /// enough, cycling through them; otherwise of any), one drawing each as support and another drawer's as query.
    /// </summary>
    public static List<OneShotRun> Draw(ImageFolderDataset dataset, int count, int ways, bool withinAlphabet, int seed)
    {
        var eligible = Enumerable.Range(0, dataset.ClassCount).Where(c => dataset.ImagesOfClass(c).Count >= 2).ToArray();
        ways = Math.Min(ways, eligible.Length);
        var pools = withinAlphabet
            ? eligible.GroupBy(c => AlphabetOf(dataset.ClassNames[c]), StringComparer.Ordinal).Select(g => g.ToArray()).Where(g => g.Length >= ways).ToList()
            : [];
        var random = SeedStreams.Random(seed, 0x0E1A);
        var runs = new List<OneShotRun>(count);
        for (int r = 0; r < count; r++)
        {
            var pool = pools.Count > 0 ? pools[r % pools.Count] : eligible;
            var classes = SeedStreams.Permutation(pool.Length, random).Take(ways).Select(i => pool[i]).ToArray();
            var picks = classes.Select(c => SeedStreams.Permutation(dataset.ImagesOfClass(c).Count, random).Take(2).Select(k => dataset.Images[dataset.ImagesOfClass(c)[k]].Path).ToArray()).ToArray();
            var order = SeedStreams.Permutation(ways, random);
            runs.Add(new OneShotRun(string.Create(CultureInfo.InvariantCulture, $"run{r + 1:D3}"), picks.Select(p => p[0]).ToArray(), order.Select(w => picks[w][1]).ToArray(), order));
        }

        return runs;
    }

    /// <summary>Random N-way episodes over the (support, query) characters of all <paramref name="runs"/>, e.g. Lake's 400.</summary>
    public static List<OneShotRun> Mix(IReadOnlyList<OneShotRun> runs, int count, int ways, int seed)
    {
        var pairs = runs.SelectMany(r => r.QueryPaths.Select((q, i) => (Support: r.SupportPaths[r.QueryTargets[i]], Query: q))).ToArray();
        var random = SeedStreams.Random(seed, 0x313C);
        var episodes = Enumerable.Range(0, count).Select(_ => SeedStreams.Permutation(pairs.Length, random).Take(Math.Min(ways, pairs.Length)).Select(i => pairs[i]).ToArray());
        return episodes.Select((picked, r) => (picked, order: SeedStreams.Permutation(picked.Length, random))).ToList().Select((e, r) => new OneShotRun(
            string.Create(CultureInfo.InvariantCulture, $"random{r + 1:D3}"), e.picked.Select(p => p.Support).ToArray(), e.order.Select(i => e.picked[i].Query).ToArray(), e.order)).ToList();
    }

    /// <summary>Embeds every distinct image of the runs once (<paramref name="embed"/>), then answers each query by its nearest support.</summary>
    public static RunScores Score(IReadOnlyList<OneShotRun> runs, Func<IReadOnlyList<string>, Tensor> embed, IDistance distance)
    {
        var paths = runs.SelectMany(r => r.SupportPaths.Concat(r.QueryPaths)).Distinct(StringComparer.Ordinal).ToArray();
        var row = paths.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => (long)x.i, StringComparer.Ordinal);
        var scores = new RunScores(new double[runs.Count], [], [], []);
        using var embeddings = embed(paths);
        for (int r = 0; r < runs.Count; r++)
        {
            using var scope = NewDisposeScope();
            var run = runs[r];
            var support = embeddings.index_select(0, tensor(run.SupportPaths.Select(p => row[p]).ToArray()));
            var queries = embeddings.index_select(0, tensor(run.QueryPaths.Select(p => row[p]).ToArray()));
            int n = run.SupportPaths.Count;
            var d = distance.AsDistance(distance.Matrix(queries, support)).to(ScalarType.Float64).data<double>().ToArray();
            int right = 0;
            for (int q = 0; q < run.QueryPaths.Count; q++)
            {
                int best = Enumerable.Range(0, n).MinBy(s => d[(q * n) + s]);
                right += best == run.QueryTargets[q] ? 1 : 0;
                scores.Outcomes.Add(new QueryOutcome(run.Name, run.QueryPaths[q], run.SupportPaths[best], d[(q * n) + best], best == run.QueryTargets[q]));
                for (int s = 0; s < n; s++)
                {
                    (s == run.QueryTargets[q] ? scores.Same : scores.Different).Add(d[(q * n) + s]);
                }
            }

            scores.AccuracyPerRun[r] = (double)right / run.QueryPaths.Count;
        }

        return scores;
    }
}
