using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Evaluation;
using Siamese.Net.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Inference;

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
    public void An_explicit_distance_overrides_the_network_s()
    {
        using var network = new SiameseNetwork(new Flatten(), new ManhattanDistance());

        var scores = PairVerifier.Score(network, new KnownPairs(), new EuclideanDistance());

        // Euclidean over four pixels: sqrt(4 * 0.01) = 0.2 and sqrt(4) = 2.
        scores.Scores[0].Should().BeApproximately(0.2, 1e-5);
        scores.Scores[2].Should().BeApproximately(2.0, 1e-5);
    }
}
