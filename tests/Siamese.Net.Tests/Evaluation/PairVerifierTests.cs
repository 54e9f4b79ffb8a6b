using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Embedding;
using Siamese.Net.Evaluation;
using Siamese.Net.Imaging;
using Siamese.Net.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Evaluation;

public sealed class PairVerifierTests
{
    /// <summary>Flattens images, so embedding distances are plain pixel distances the test can work out.</summary>
    private sealed class Flatten : nn.Module<Tensor, Tensor>
    {
        public Flatten() : base(nameof(Flatten)) => RegisterComponents();

        public override Tensor forward(Tensor input) => input.flatten(1);
    }

    /// <summary>Two batches: pair i has images filled with i and i + offset(i), same when the offset is small.</summary>
    private sealed class KnownPairs : IBatchSource<LabelledBatch>
    {
        public int BatchesPerEpoch => 2;

        public IEnumerable<LabelledBatch> ReadEpoch(int epoch, CancellationToken cancellationToken = default)
        {
            for (int b = 0; b < 2; b++)
            {
                var first = new List<Tensor>();
                var second = new List<Tensor>();
                var labels = new List<PairLabel>();
                for (int i = 0; i < 3; i++)
                {
                    int k = (b * 3) + i;
                    bool same = k % 2 == 0;
                    first.Add(torch.full(1, 2, 2, (float)k));
                    second.Add(torch.full(1, 2, 2, k + (same ? 0.1f : 1f)));
                    labels.Add(same ? PairLabel.Same : PairLabel.Different);
                }

                using var targets = PairTargets.FromLabels(labels);
                yield return new LabelledBatch(torch.cat([torch.stack(first), torch.stack(second)], 0), null, Siamese.Net.Losses.PairTuples.FromPairTargets(targets));
            }
        }
    }

    [Fact]
    public void Scores_every_pair_in_order_with_its_label_and_restores_training_mode()
    {
        using var network = new SiameseNetwork(new Flatten(), new ManhattanDistance());
        network.train();

        var scores = PairVerifier.Score(network, new KnownPairs());

        scores.Kind.Should().Be(ScoreKind.Distance);
        scores.Count.Should().Be(6);
        // Four pixels differ by 0.1 (same) or 1 (different): L1 distances 0.4 and 4; each batch gives its same pairs, then its different pairs.
        scores.Scores.Should().Equal(new[] { 0.4, 0.4, 4, 0.4, 4, 4 }, (a, e) => Math.Abs(a - e) < 1e-5);
        scores.IsSame.Should().Equal(true, true, false, true, false, false);
        scores.Auc().Should().Be(1.0);
        network.training.Should().BeTrue();
    }

    [Fact]
    public void A_distance_that_contradicts_the_network_s_is_an_error_not_silently_used()
    {
        using var network = new SiameseNetwork(new Flatten(), new ManhattanDistance());

        FluentActions.Invoking(() => PairVerifier.Score(network, new KnownPairs(), new EuclideanDistance()))
            .Should().Throw<ArgumentException>().WithMessage("*'euclidean'*built with 'manhattan'*");
    }

    [Fact]
    public void An_explicit_distance_scores_a_plain_encoder()
    {
        using var encoder = new Flatten();

        var scores = PairVerifier.Score(encoder, new KnownPairs(), new EuclideanDistance());

        // Euclidean over four pixels: sqrt(4 * 0.01) = 0.2 and sqrt(4) = 2.
        scores.Scores[0].Should().BeApproximately(0.2, 1e-5);
        scores.Scores[2].Should().BeApproximately(2.0, 1e-5);
    }

    [Fact]
    public void File_pairs_embed_each_image_once_and_score_in_order()
    {
        using var folder = new TempDirectory();
        string[] files = [.. Enumerable.Range(0, 4).Select(k => folder.Combine($"{k}.png"))];
        for (int k = 0; k < files.Length; k++)
        {
            File.WriteAllBytes(files[k], TestDatasets.Image(2, 2, k * 40, "png"));
        }

        using var network = new SiameseNetwork(new Flatten(), new ManhattanDistance());
        int embedded = 0;
        network.register_forward_hook((_, input, output) =>
        {
            embedded += (int)input.shape[0];
            return output;
        });
        var embedder = new Embedder(network, new ImagePreprocessing { Width = 2, Height = 2 });
        ImagePair[] pairs = [new(files[0], files[1], PairLabel.Same), new(files[0], files[2], PairLabel.Different), new(files[1], files[2], PairLabel.Same), new(files[3], files[0], PairLabel.Different)];

        var scores = PairVerifier.Score(embedder, pairs);

        embedded.Should().Be(4, "four distinct files, each embedded once for six references");
        using var rows = embedder.Embed(files);
        double L1(int a, int b) => (rows[a] - rows[b]).abs().sum().item<float>();
        scores.Scores.Should().Equal(new[] { L1(0, 1), L1(0, 2), L1(1, 2), L1(3, 0) }, (a, e) => Math.Abs(a - e) < 1e-5);
        scores.IsSame.Should().Equal(true, false, true, false);
    }

    [Fact]
    public void File_pairs_can_be_scored_on_altered_images_and_empty_pairs_are_refused()
    {
        using var folder = new TempDirectory();
        string a = folder.Combine("a.png"), b = folder.Combine("b.png");
        File.WriteAllBytes(a, TestDatasets.Image(2, 2, 10, "png"));
        File.WriteAllBytes(b, TestDatasets.Image(2, 2, 200, "png"));
        using var network = new SiameseNetwork(new Flatten(), new ManhattanDistance());
        var embedder = new Embedder(network, new ImagePreprocessing { Width = 2, Height = 2 });

        // Every image replaced by the same grey one: all distances become 0.
        var altered = PairVerifier.Score(embedder, [new ImagePair(a, b, PairLabel.Different)], _ => torch.full(1, 2, 2, 0.5f));

        altered.Scores.Should().Equal(0.0);
        PairVerifier.Score(embedder, [new ImagePair(a, b, PairLabel.Different)]).Scores[0].Should().BeGreaterThan(1);
        FluentActions.Invoking(() => PairVerifier.Score(embedder, Array.Empty<ImagePair>())).Should().Throw<ArgumentException>().WithParameterName("pairs");
    }
}
