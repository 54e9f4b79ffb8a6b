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
