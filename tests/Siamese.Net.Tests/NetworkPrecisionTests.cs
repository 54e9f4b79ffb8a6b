using Siamese.Net.Tests.TestSupport;
using Siamese.Net.Encoders;
using Siamese.Net.Losses;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Siamese.Net.Tests;

public sealed class NetworkPrecisionTests(ITestOutputHelper output)
{
    private static SiameseNetwork SmallSigNetLike(int seed)
    {
        // SigNet's layer types (conv, ReLU, LRN, pools, dropout, linear) at a test-sized input. Other test classes
        // use the global generator in parallel, so equal weights come from copying, not from equal seeds.
        return new SiameseNetwork(new SigNet(new EncoderOptions { InputHeight = 40, InputWidth = 40, EmbeddingSize = 16, Seed = seed }));
    }

    [Fact]
    public void BFloat16_network_takes_float32_images_and_returns_float32_embeddings_close_to_float32()
    {
        using var scope = NewDisposeScope();
        using var reference = SmallSigNetLike(3);
        using var half = SmallSigNetLike(3);
        half.load_state_dict(reference.state_dict());
        reference.eval();
        half.eval();
        half.SetPrecision(NetworkPrecision.BFloat16).Should().BeSameAs(half);

        half.Precision.Should().Be(NetworkPrecision.BFloat16);
        reference.Precision.Should().Be(NetworkPrecision.Float32);
        half.parameters().Should().OnlyContain(p => p.dtype == ScalarType.BFloat16);

        var images = rand(4, 1, 40, 40, generator: new Generator(9));
        using var noGrad = no_grad();
        var expected = reference.Embed(images);
        var actual = half.Embed(images);

        actual.dtype.Should().Be(ScalarType.Float32);
        var relative = ((actual - expected).norm() / expected.norm()).item<float>();
        output.WriteLine($"bf16 vs fp32 embeddings, relative L2 difference: {relative:P2}");
        relative.Should().BeLessThan(0.02f);
    }

    [Fact]
    public void BFloat16_network_trains_its_bfloat16_weights_through_the_casts()
    {
        using var scope = NewDisposeScope();
        using var network = SmallSigNetLike(4).SetPrecision(NetworkPrecision.BFloat16);
        using var loss = new ContrastiveLoss();
        using var optimizer = optim.Adam(network.parameters(), lr: 1e-3);
        var gen = new Generator(5);
        var first = rand(6, 1, 40, 40, generator: gen);
        var second = rand(6, 1, 40, 40, generator: gen);
        var targets = PairTargets.FromLabels([PairLabel.Same, PairLabel.Different, PairLabel.Same, PairLabel.Different, PairLabel.Same, PairLabel.Different]);
        var before = network.parameters().First().detach().clone();

        var (a, b) = network.EmbedPair(first, second);
        var value = loss.ComputePairs(a, b, targets);
        value.dtype.Should().Be(ScalarType.Float32);
        value.backward();
        optimizer.step();

        network.parameters().Should().OnlyContain(p => p.dtype == ScalarType.BFloat16);
        network.parameters().Select(p => p.grad!.dtype).Should().OnlyContain(t => t == ScalarType.BFloat16);
        (network.parameters().First() - before).abs().max().to(ScalarType.Float32).item<float>().Should().BeGreaterThan(0f);
        float.IsFinite(value.item<float>()).Should().BeTrue();
    }

    [Fact]
    public void Switching_back_to_float32_restores_float32_compute()
    {
        using var scope = NewDisposeScope();
        using var network = SmallSigNetLike(5).SetPrecision(NetworkPrecision.BFloat16).SetPrecision(NetworkPrecision.Float32);

        network.Precision.Should().Be(NetworkPrecision.Float32);
        network.parameters().Should().OnlyContain(p => p.dtype == ScalarType.Float32);
        network.Invoking(n => n.SetPrecision((NetworkPrecision)7)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*precision*");
    }
}
