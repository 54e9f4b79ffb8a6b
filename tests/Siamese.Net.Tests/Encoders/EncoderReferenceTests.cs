using System.Text.Json;
using Siamese.Net.Encoders;
using Siamese.Net.Tests.Reference;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Encoders;

/// <summary>
/// Each tutorial network, with the same deterministic weights on both sides, gives PyTorch's output, and its
/// state_dict keys and shapes are those of the tutorial's PyTorch class (so trained weights carry over).
/// </summary>
public sealed class EncoderReferenceTests
{
    private static readonly JsonElement Ref = ReferenceData.Load("encoders.json");

    public static TheoryData<string> Cases => new()
    {
        "signet_lrn_105", "signet_lrn_155x220", "signet_bn_105", "small_cnn_28", "face_100", "face_100_train", "koch_105", "conv4_28",
    };

    private static ImageEncoder Create(string name) => name switch
    {
        "signet_lrn_105" => new SigNet(),
        "signet_lrn_155x220" => new SigNet(new EncoderOptions { InputHeight = 155, InputWidth = 220 }),
        "signet_bn_105" => new SigNet(variant: SigNetVariant.BatchNorm),
        "small_cnn_28" => new SmallCnn(new EncoderOptions { InputHeight = 28, InputWidth = 28 }),
        "face_100" or "face_100_train" => new FaceSimilarityNet(),
        "koch_105" => new KochNet(),
        "conv4_28" => new Conv4Encoder(new EncoderOptions { InputHeight = 28, InputWidth = 28 }),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void State_dict_keys_and_shapes_are_the_PyTorch_classes(string name)
    {
        using var encoder = Create(name);
        var expected = Ref.GetProperty(name).GetProperty("state_dict").EnumerateObject()
            .ToDictionary(p => p.Name, p => string.Join(",", p.Value.Longs()));

        var actual = encoder.state_dict().ToDictionary(p => p.Key, p => string.Join(",", p.Value.shape));

        actual.Should().BeEquivalentTo(expected);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_with_the_same_weights_matches_PyTorch(string name)
    {
        using var scope = NewDisposeScope();
        var data = Ref.GetProperty(name);
        var output = data.GetProperty("output");
        using var encoder = Create(name);
        ReferenceData.FillDeterministic(encoder);
        encoder.train(data.GetProperty("train").GetBoolean());
        using var noGrad = no_grad();

        var y = encoder.call(ReferenceData.Image(data.GetProperty("input").Longs()));

        y.shape.Should().Equal(output.GetProperty("shape").Longs());
        var flat = y.flatten().to_type(ScalarType.Float64);
        var first = output.GetProperty("first_values").Doubles();
        flat.narrow(0, 0, first.Length).ShouldBeClose(first, 1e-4, 1e-4, name);
        flat.sum().ShouldBeClose(output.GetProperty("sum").GetDouble(), 1e-3, 1e-4, "sum");
        flat.norm().ShouldBeClose(output.GetProperty("norm").GetDouble(), 1e-4, 1e-5, "norm");
        var weights = arange(flat.shape[0], dtype: ScalarType.Float64).sin();
        (flat * weights).sum().ShouldBeClose(output.GetProperty("sine_weighted_sum").GetDouble(), 1e-3, 1e-4, "weighted sum");
    }
}
