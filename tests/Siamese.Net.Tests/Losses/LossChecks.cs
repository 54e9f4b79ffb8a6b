using Siamese.Net.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Losses;

/// <summary>Checks every new loss must pass besides its reference values.</summary>
internal static class LossChecks
{
    /// <summary>A batch of all-different labels: loss 0, gradient exactly 0 (not NaN), zero active tuples.</summary>
    public static void NoPositiveGivesZero(MetricLoss loss, int embeddingSize = 8)
    {
        using var scope = NewDisposeScope();
        var x = randn(6, embeddingSize, dtype: ScalarType.Float32, generator: new Generator(7)).requires_grad_(true);
        using var output = loss.Evaluate(x, arange(6L));
        output.Value.backward();
        output.Value.item<float>().Should().Be(0f);
        x.grad!.abs().max().item<float>().Should().Be(0f);
        output.ActiveTuples.item<long>().Should().Be(0);
    }

    /// <summary>
    /// A large float32 batch with large embeddings (|x| ~ 100, 512 images, 32 classes) and a bfloat16 copy: value and
    /// gradients stay finite, and the bfloat16 loss is computed in float32.
    /// </summary>
    public static void FiniteAtScale(MetricLoss loss, int classes = 32, int embeddingSize = 64)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(11);
        var labels = arange(512L) % classes;
        var centres = randn(classes, embeddingSize, generator: generator) * 100;
        var x = (centres.index_select(0, labels) + (randn(512, embeddingSize, generator: generator) * 30)).requires_grad_(true);
        var value = loss.Compute(x, labels);
        value.backward();
        float.IsFinite(value.item<float>()).Should().BeTrue();
        x.grad!.isfinite().all().item<bool>().Should().BeTrue();
        foreach (var p in loss.parameters())
        {
            p.grad!.isfinite().all().item<bool>().Should().BeTrue();
        }

        var half = x.detach().to_type(ScalarType.BFloat16).requires_grad_(true);
        var low = loss.Compute(half, labels);
        low.dtype.Should().Be(ScalarType.Float32, "losses widen bfloat16 embeddings to float32");
        low.backward();
        float.IsFinite(low.item<float>()).Should().BeTrue();
        half.grad!.to_type(ScalarType.Float32).isfinite().all().item<bool>().Should().BeTrue();
    }

    /// <summary>Bad shapes and missing labels raise an ArgumentException naming the argument.</summary>
    public static void ShapeErrorsNameTheArgument(MetricLoss loss, int embeddingSize = 8)
    {
        using var scope = NewDisposeScope();
        var x = randn(4, embeddingSize);
        var labels = tensor(new long[] { 0, 0, 1, 1 });
        loss.Invoking(l => l.Compute(randn(4L * embeddingSize), labels))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("embeddings");
        loss.Invoking(l => l.Compute(x, tensor(new long[] { 0, 0, 1 })))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("labels");
        loss.Invoking(l => l.Compute(x, null))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("labels");
    }
}
