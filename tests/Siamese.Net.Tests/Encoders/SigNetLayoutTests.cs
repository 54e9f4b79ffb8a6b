using Siamese.Net.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Encoders;

/// <summary>SigNet's channels-last activations must not change its numbers (values and gradients).</summary>
public sealed class SigNetLayoutTests
{
    [Theory]
    [InlineData(SigNetVariant.LocalResponseNorm)]
    [InlineData(SigNetVariant.BatchNorm)]
    public void Channels_last_embeddings_and_gradients_equal_the_plain_layer_by_layer_computation(SigNetVariant variant)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(21);
        using var net = new SigNet(new EncoderOptions { InputHeight = 48, InputWidth = 48, EmbeddingSize = 16 }, variant);
        net.eval(); // dropout off, batch-norm on running statistics: both paths see identical layers
        var x = rand([3, 1, 48, 48], generator: new Generator(2));
        var children = net.named_children().ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module);

        var ours = net.call(x);
        ours.square().sum().backward();
        var oursGrads = net.parameters().Select(p => p.grad!.clone()).ToList();
        net.zero_grad();

        var plain = children["fc1"].call(children["cnn1"].call(x).flatten(1));
        plain.square().sum().backward();
        var plainGrads = net.parameters().Select(p => p.grad!.clone()).ToList();

        ours.is_contiguous().Should().BeTrue();
        (ours - plain).abs().max().item<float>().Should().BeLessThan(1e-5f * Math.Max(1f, plain.abs().max().item<float>()));
        for (int i = 0; i < plainGrads.Count; i++)
        {
            var tolerance = 1e-4f * Math.Max(1f, plainGrads[i].abs().max().item<float>());
            (oursGrads[i] - plainGrads[i]).abs().max().item<float>().Should().BeLessThan(tolerance, $"parameter {i}");
        }
    }

    [Fact]
    public void ToChannelsLast_keeps_shape_and_values_and_changes_the_memory_order()
    {
        using var scope = NewDisposeScope();
        var x = rand(2, 5, 3, 4);

        var nhwc = SigNet.ToChannelsLast(x);

        nhwc.shape.Should().Equal(2, 5, 3, 4);
        nhwc.stride().Should().Equal(60, 1, 20, 5);
        (nhwc - x).abs().max().item<float>().Should().Be(0f);
    }
}
