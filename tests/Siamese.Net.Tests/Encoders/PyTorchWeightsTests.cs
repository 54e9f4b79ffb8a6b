using System.Text.Json;
using Siamese.Net.Encoders;
using Siamese.Net.Tests.Reference;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Encoders;

/// <summary>
/// Weights saved by PyTorch (<c>torch.save(model.state_dict(), path)</c>) load into the encoders with
/// TorchSharp.PyBridge's <c>load_py</c> (strict: every key and shape must match) and give PyTorch's output.
/// </summary>
public sealed class PyTorchWeightsTests
{
    private static readonly JsonElement Ref = ReferenceData.Load("pth_outputs.json");

    [Fact]
    public void Small_cnn_state_dict_from_PyTorch_loads_and_reproduces_its_output()
    {
        using var scope = NewDisposeScope();
        using var encoder = new SmallCnn(new EncoderOptions { InputHeight = 20, InputWidth = 20 });

        encoder.load_py(ReferenceData.PathOf("small_cnn.pth"), strict: true);
        encoder.eval();

        AssertOutput(encoder, Ref.GetProperty("small_cnn"));
    }

    [Fact]
    public void Conv4_state_dict_with_batch_norm_statistics_loads_and_reproduces_its_output()
    {
        using var scope = NewDisposeScope();
        using var encoder = new Conv4Encoder(new EncoderOptions { InputHeight = 28, InputWidth = 28 });

        encoder.load_py(ReferenceData.PathOf("conv4.pth"), strict: true);
        encoder.eval();

        var runningMean = encoder.state_dict()["encoder.0.1.running_mean"];
        runningMean.abs().sum().item<float>().Should().BeGreaterThan(0f, "the file's BatchNorm statistics must have been loaded");
        AssertOutput(encoder, Ref.GetProperty("conv4"));
    }

    [Fact]
    public void A_file_with_an_extra_head_loads_non_strictly_like_a_tutorial_checkpoint()
    {
        // A tutorial's checkpoint carries a classifier head after the embedding (SigNet's fc1.5); the same situation,
        // cheaply: a file holding an extra projection "fc" loads into an encoder without one when strict is false.
        using var scope = NewDisposeScope();
        var path = Path.Combine(Path.GetTempPath(), $"siamese-net-{Guid.NewGuid():N}.pth");
        try
        {
            using var withHead = new Conv4Encoder(new EncoderOptions { InputHeight = 16, InputWidth = 16, EmbeddingSize = 8 });
            withHead.save_py(path);
            using var encoder = new Conv4Encoder(new EncoderOptions { InputHeight = 16, InputWidth = 16 });

            encoder.load_py(path, strict: false);

            var loaded = encoder.state_dict();
            foreach (var (key, value) in withHead.state_dict().Where(p => !p.Key.StartsWith("fc.", StringComparison.Ordinal)))
            {
                value.allclose(loaded[key], rtol: 0, atol: 0).Should().BeTrue(key);
            }

            encoder.Invoking(e => e.load_py(path, strict: true)).Should().Throw<Exception>("strict loading must refuse unexpected keys");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertOutput(ImageEncoder encoder, JsonElement expected)
    {
        using var noGrad = no_grad();
        var y = encoder.call(ReferenceData.Image(expected.GetProperty("input").Longs()));
        var output = expected.GetProperty("output");

        y.shape.Should().Equal(output.GetProperty("shape").Longs());
        var first = output.GetProperty("first_values").Doubles();
        y.flatten().narrow(0, 0, first.Length).ShouldBeClose(first, 1e-5, 1e-4);
        y.to_type(ScalarType.Float64).norm().ShouldBeClose(output.GetProperty("norm").GetDouble(), 1e-5, 1e-5);
    }
}
