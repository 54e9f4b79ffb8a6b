using Siamese.Net.Encoders;
using Siamese.Net.Losses;
using Siamese.Net.Miners;
using Siamese.Net.Tests.TestSupport;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Losses;

/// <summary>
/// A few hundred optimisation steps on a tiny synthetic problem: each loss must make same pairs closer than different
/// pairs on held-out samples (the losses' gradients point the right way end to end).
/// </summary>
/// <remarks>
/// Runs alone: the initial weights come from the global generator seeded here, which tests running in parallel would
/// advance unpredictably.
/// </remarks>
[Collection(TorchRandomCollection.Name)]
public sealed class TrainingTests(ITestOutputHelper output)
{
    private const int Classes = 4;
    private const int Side = 16;

    /// <summary>Noisy 16x16 images: class c is a bright 6x6 square in quadrant c.</summary>
    private static (Tensor Images, Tensor Classes) Sample(int n, Generator gen)
    {
        var classes = randint(0, Classes, new long[] { n }, generator: gen);
        var images = rand(n, 1, Side, Side, generator: gen) * 0.6;
        var ids = classes.data<long>().ToArray();
        for (int i = 0; i < n; i++)
        {
            int row = (int)(ids[i] / 2) * 8;
            int col = (int)(ids[i] % 2) * 8;
            images[i, 0, TensorIndex.Slice(row + 1, row + 7), TensorIndex.Slice(col + 1, col + 7)].add_(0.8);
        }

        return (images, classes);
    }

    private static SiameseNetwork NewNetwork()
    {
        manual_seed(11);
        return new SiameseNetwork(new SmallCnn(new EncoderOptions { InputHeight = Side, InputWidth = Side, EmbeddingSize = 8 }));
    }

    /// <summary>Mean distance of same-class and different-class pairs among held-out samples.</summary>
    private static (double Same, double Different) HeldOutDistances(SiameseNetwork net, Func<Tensor, Tensor, Tensor>? pairScore = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        net.eval();
        var (images, classes) = Sample(64, new Generator(999));
        var e = net.Embed(images);
        var d = pairScore is null ? net.Distance.Matrix(e, e) : pairScore(e, e);
        var same = classes.unsqueeze(1).eq(classes.unsqueeze(0)).logical_and(eye(64, dtype: ScalarType.Bool).logical_not());
        var different = classes.unsqueeze(1).ne(classes.unsqueeze(0));
        return (d.masked_select(same).mean().item<float>(), d.masked_select(different).mean().item<float>());
    }

    [Fact]
    public void Contrastive_loss_separates_same_from_different_pairs()
    {
        using var net = NewNetwork();
        using var loss = new ContrastiveLoss();
        var before = HeldOutDistances(net);
        using var optimizer = optim.Adam(net.parameters(), 1e-3);
        var gen = new Generator(5);
        net.train();
        for (int step = 0; step < 200; step++)
        {
            using var scope = NewDisposeScope();
            var (a, ca) = Sample(16, gen);
            var (b, cb) = Sample(16, gen);
            using var targets = PairTargets.FromSameMask(ca.eq(cb));
            var (ea, eb) = net.EmbedPair(a, b);
            optimizer.zero_grad();
            loss.ComputePairs(ea, eb, targets).backward();
            optimizer.step();
        }

        var after = HeldOutDistances(net);
        output.WriteLine($"contrastive: mean same / different distance {before.Same:F3} / {before.Different:F3} -> {after.Same:F3} / {after.Different:F3}");
        after.Same.Should().BeLessThan(after.Different / 3, "training should pull same pairs together (before: {0})", before);
    }

    [Fact]
    public void Triplet_loss_with_batch_hard_mining_separates_classes()
    {
        using var net = NewNetwork();
        using var loss = new TripletMarginLoss(1.0, new BatchHardTripletMiner());
        using var optimizer = optim.Adam(net.parameters(), 1e-3);
        var gen = new Generator(6);
        net.train();
        for (int step = 0; step < 200; step++)
        {
            using var scope = NewDisposeScope();
            var (images, classes) = Sample(24, gen);
            optimizer.zero_grad();
            loss.Compute(net.Embed(images), classes).backward();
            optimizer.step();
        }

        var after = HeldOutDistances(net);
        output.WriteLine($"triplet: mean same / different distance {after.Same:F3} / {after.Different:F3}");
        after.Same.Should().BeLessThan(after.Different / 3);
    }

    [Fact]
    public void Bce_head_learns_the_probability_that_a_pair_is_the_same()
    {
        using var net = NewNetwork();
        using var head = new BceHeadLoss(8);
        using var optimizer = optim.Adam(net.parameters().Concat(head.parameters()), 1e-3);
        var gen = new Generator(7);
        net.train();
        for (int step = 0; step < 200; step++)
        {
            using var scope = NewDisposeScope();
            var (a, ca) = Sample(16, gen);
            var (b, cb) = Sample(16, gen);
            using var targets = PairTargets.FromSameMask(ca.eq(cb));
            var (ea, eb) = net.EmbedPair(a, b);
            optimizer.zero_grad();
            head.ComputePairs(ea, eb, targets).backward();
            optimizer.step();
        }

        // Score = 1 - P(same), so that smaller means more alike like a distance. Only a quarter of the random training
        // pairs are same pairs, so the head stays cautious about "same" (about 0.77 here) and sure about "different".
        var after = HeldOutDistances(net, (x, y) =>
        {
            long n = x.shape[0];
            var left = x.repeat_interleave(n, dim: 0);
            var right = y.repeat(n, 1);
            return (1 - head.SameProbability(left, right)).reshape(n, n);
        });
        output.WriteLine($"bce head: mean P(same) for same / different pairs {1 - after.Same:F3} / {1 - after.Different:F3}");
        (1 - after.Same).Should().BeGreaterThan(0.6, "same pairs should get a high probability ({0} for different)", 1 - after.Different);
        (1 - after.Different).Should().BeLessThan(0.1, "different pairs should get a low probability ({0} for same)", 1 - after.Same);
    }
}
