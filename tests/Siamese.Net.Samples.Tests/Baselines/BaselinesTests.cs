using Siamese.Net.Distances;
using Siamese.Net.Samples.Common.Baselines;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Samples.Tests.Baselines;

public sealed class BaselinesTests
{
    private static readonly int[] Ids = [0, 0, 0, 1, 1, 1, 2, 2, 2];

    [Fact]
    public void One_shot_episodes_score_well_separated_classes_perfectly_and_shuffled_rows_near_chance()
    {
        using var separated = tensor(Ids.Select(c => new float[] { c * 10 + 0.1f, 0 }).SelectMany(x => x).ToArray()).reshape(9, 2)
            + (arange(9).reshape(9, 1).to(float32) * 0.01f);
        var perfect = EmbeddingEvaluation.OneShot(separated, Ids, new EuclideanDistance(), episodes: 50, seed: 1, out var perClass);
        perfect.Mean.Should().Be(1.0);
        perClass.Should().AllSatisfy(p => p.Should().Be(1.0));

        manual_seed(3);
        using var noise = randn(300, 4);
        int[] ids = [.. Enumerable.Range(0, 300).Select(i => i % 10)];
        var chance = EmbeddingEvaluation.OneShot(noise, ids, new EuclideanDistance(), episodes: 200, seed: 1, out _);
        chance.Mean.Should().BeInRange(0.05, 0.15, "10-way episodes on noise are at chance");
    }

    [Fact]
    public void Every_method_sees_the_same_episodes_one_nearest_support_decides_as_brute_force_does()
    {
        manual_seed(5);
        using var rows = randn(9, 3);
        var distance = new EuclideanDistance();
        var first = EmbeddingEvaluation.OneShot(rows, Ids, distance, episodes: 2, seed: 7, out _);

        // Brute force over the same draws: a Random(7) picks one support per class in class order.
        var random = new Random(7);
        var members = Enumerable.Range(0, 3).Select(c => Enumerable.Range(0, 9).Where(i => Ids[i] == c).ToArray()).ToArray();
        var accuracies = new List<double>();
        var m = rows.data<float>().ToArray();
        double D(int a, int b) => Math.Sqrt(Enumerable.Range(0, 3).Sum(k => Math.Pow(m[(a * 3) + k] - m[(b * 3) + k], 2)));
        for (int e = 0; e < 2; e++)
        {
            var supports = members.Select(g => g[random.Next(g.Length)]).ToArray();
            var queries = Enumerable.Range(0, 9).Where(q => !supports.Contains(q)).ToArray();
            accuracies.Add(queries.Count(q => Enumerable.Range(0, 3).MinBy(c => D(q, supports[c])) == Ids[q]) / (double)queries.Length);
        }

        first.Mean.Should().BeApproximately(accuracies.Average(), 1e-12);
    }

    [Fact]
    public void All_pairs_are_every_unordered_pair_with_its_distance_and_label()
    {
        using var rows = tensor(new float[] { 0, 0, 3, 4, 0, 1 }).reshape(3, 2);

        var pairs = EmbeddingEvaluation.AllPairs(rows, [0, 0, 1], new EuclideanDistance());

        pairs.First.Should().Equal(0, 0, 1);
        pairs.Second.Should().Equal(1, 2, 2);
        pairs.Distances.Should().BeEquivalentTo(new[] { 5.0, 1.0, Math.Sqrt(18) }, o => o.Using<double>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-5)).WhenTypeIs<double>());
        pairs.IsSame.Should().Equal(true, false, false);
        pairs.Scores().SameCount.Should().Be(1);
    }

    [Fact]
    public void Eigenfaces_keep_the_leading_directions_of_the_training_rows_and_reconstruct_rank_deficient_data()
    {
        // Rows on a line through (1, 1, 1, 1) · t plus a smaller spread along (1, -1, 0, 0): two components explain everything.
        var t = Enumerable.Range(0, 20).Select(i => (double)i - 10).ToArray();
        var data = t.SelectMany((v, i) => new[] { v + (0.1 * (i % 3)), v - (0.1 * (i % 3)), v, v }).Select(x => (float)x).ToArray();
        using var rows = tensor(data).reshape(20, 4);

        using var pca = Eigenfaces.Fit(rows, components: 10);
        using var projected = pca.Project(rows);

        pca.Components.Should().Be(4, "capped at the row width");
        projected.shape.Should().Equal(20, 4);
        var first = projected[.., 0].data<float>().ToArray();
        first.Zip(t, (p, v) => Math.Abs(Math.Abs(p) - (2 * Math.Abs(v - t.Average())))).Max().Should().BeLessThan(0.2, "the first coefficient is the position along (1,1,1,1)/2");
        projected[.., 2].abs().max().item<float>().Should().BeLessThan(1e-3f, "nothing is left beyond two components");
    }
}
