using Siamese.Net.Distances;
using Siamese.Net.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests;

public sealed class SiameseNetworkTests
{
    /// <summary>A user encoder (not an <see cref="ImageEncoder"/>) that counts its forward passes.</summary>
    private sealed class CountingEncoder : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> fc = nn.Linear(3, 2);

        public CountingEncoder() : base(nameof(CountingEncoder)) => RegisterComponents();

        public int Calls { get; private set; }

        public override Tensor forward(Tensor input)
        {
            Calls++;
            return fc.call(input);
        }
    }

    [Fact]
    public void EmbedPair_runs_one_forward_pass_and_equals_separate_embeddings()
    {
        using var scope = NewDisposeScope();
        var encoder = new CountingEncoder();
        using var net = new SiameseNetwork(encoder);
        var a = randn(4, 3);
        var b = randn(4, 3);

        var (ea, eb) = net.EmbedPair(a, b);

        encoder.Calls.Should().Be(1);
        ea.shape.Should().Equal(4, 2);
        (ea - net.Embed(a)).abs().max().item<float>().Should().BeLessThan(1e-6f);
        (eb - net.Embed(b)).abs().max().item<float>().Should().BeLessThan(1e-6f);
    }

    [Fact]
    public void PairDistance_uses_the_injected_distance_and_defaults_to_euclidean()
    {
        using var scope = NewDisposeScope();
        using var net = new SiameseNetwork(new CountingEncoder());
        using var l1 = new SiameseNetwork(net.Encoder, new ManhattanDistance());
        var a = randn(5, 3);
        var b = randn(5, 3);

        net.Distance.Should().BeOfType<EuclideanDistance>();
        var (ea, eb) = net.EmbedPair(a, b);
        (net.PairDistance(a, b) - (ea - eb).norm(1)).abs().max().item<float>().Should().BeLessThan(1e-5f);
        (l1.PairDistance(a, b) - (ea - eb).abs().sum(1)).abs().max().item<float>().Should().BeLessThan(1e-5f);
    }

    [Fact]
    public void Both_sides_share_the_encoders_parameters()
    {
        using var scope = NewDisposeScope();
        using var net = new SiameseNetwork(new Conv4Encoder(new EncoderOptions { InputHeight = 16, InputWidth = 16, EmbeddingSize = 8 }));
        var (ea, eb) = net.EmbedPair(randn(2, 1, 16, 16), randn(2, 1, 16, 16));

        (ea.sum() - eb.sum()).backward();

        net.parameters().Should().HaveCount(net.Encoder.parameters().Count());
        net.state_dict().Keys.Should().OnlyContain(k => k.StartsWith("encoder.", StringComparison.Ordinal));
        net.parameters().First().grad.Should().NotBeNull();
    }

    [Fact]
    public void Pair_batches_of_different_shapes_are_rejected()
    {
        using var scope = NewDisposeScope();
        using var net = new SiameseNetwork(new CountingEncoder());

        net.Invoking(n => n.EmbedPair(zeros(2, 3), zeros(3, 3))).Should().Throw<ArgumentException>().WithMessage("*[2, 3]*[3, 3]*");
    }
}
