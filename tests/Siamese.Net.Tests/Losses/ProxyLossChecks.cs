using Siamese.Net.Distances;
using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Losses;

/// <summary>Checks every proxy or classification loss must pass besides its reference values.</summary>
internal static class ProxyLossChecks
{
    /// <summary>The weights are one registered, trainable float32 parameter "weight" [C K, D]; the distance is cosine; single images suffice.</summary>
    public static void WeightsAreARegisteredParameter(ProxyLoss loss, int rows)
    {
        var parameters = loss.parameters().ToList();
        parameters.Should().ContainSingle();
        parameters[0].shape.Should().Equal(rows, loss.EmbeddingSize);
        parameters[0].requires_grad.Should().BeTrue();
        parameters[0].dtype.Should().Be(ScalarType.Float32);
        loss.state_dict().Keys.Should().Equal("weight");
        loss.Distance.Should().BeOfType<CosineDistance>();
        loss.MinimumImagesPerClass.Should().Be(1);
    }

    /// <summary>Wrong sizes, labels out of 0..C-1 and missing labels raise ArgumentExceptions naming the argument.</summary>
    public static void BadInputsNameTheArgument(ProxyLoss loss)
    {
        using var scope = NewDisposeScope();
        LossChecks.ShapeErrorsNameTheArgument(loss, loss.EmbeddingSize);
        var x = randn(4, loss.EmbeddingSize);
        loss.Invoking(l => l.Compute(randn(4, loss.EmbeddingSize + 1), tensor(new long[] { 0, 0, 1, 1 })))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("embeddings");
        loss.Invoking(l => l.Compute(x, tensor(new long[] { 0, 1, 2, loss.Classes })))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("labels");
        loss.Invoking(l => l.Compute(x, tensor(new long[] { 0, -1, 1, 1 })))
            .Should().Throw<ArgumentException>().WithMessage("*0..*").Which.ParamName.Should().Be("labels");
    }
}
