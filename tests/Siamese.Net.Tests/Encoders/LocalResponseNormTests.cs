using Siamese.Net.Encoders;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Encoders;

public sealed class LocalResponseNormTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(5, 1e-4, 0.75, 2.0)]
    [InlineData(4, 1e-2, 0.5, 1.0)]
    [InlineData(1, 0.1, 0.75, 1.0)]
    public void Matches_libtorch_local_response_norm_in_value_and_gradient(int size, double alpha, double beta, double k)
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(3);
        var x = (randn(2, 7, 5, 6, generator: gen) * 10).requires_grad_();
        var x2 = x.detach().clone().requires_grad_();
        var upstream = randn(2, 7, 5, 6, generator: gen);

        var ours = new LocalResponseNorm(size, alpha, beta, k).call(x);
        var theirs = nn.LocalResponseNorm(size, alpha, beta, k).call(x2);
        (ours * upstream).sum().backward();
        (theirs * upstream).sum().backward();

        (ours - theirs).abs().max().item<float>().Should().BeLessThan(1e-6f * Math.Max(1f, theirs.abs().max().item<float>()));
        (x.grad! - x2.grad!).abs().max().item<float>().Should().BeLessThan(1e-5f);
    }

    [Fact]
    public void Is_faster_than_libtorch_on_a_SigNet_sized_activation()
    {
        using var scope = NewDisposeScope();
        var x = rand(2, 96, 95, 95);
        using var noGrad = no_grad();
        var ours = new LocalResponseNorm();
        var theirs = nn.LocalResponseNorm(5, 1e-4, 0.75, 2.0);
        ours.call(x).Dispose();
        theirs.call(x).Dispose();

        var oursTime = Time(() => ours.call(x).Dispose());
        var theirsTime = Time(() => theirs.call(x).Dispose());
        output.WriteLine($"LRN on [2, 96, 95, 95]: Siamese.Net {oursTime.TotalMilliseconds:F1} ms, libtorch {theirsTime.TotalMilliseconds:F1} ms");

        // The point of the module; a generous bound so a busy machine does not fail it.
        oursTime.Should().BeLessThan(theirsTime * 1.5);
    }

    private static TimeSpan Time(Action action)
    {
        var best = TimeSpan.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            action();
            best = watch.Elapsed < best ? watch.Elapsed : best;
        }

        return best;
    }

    [Fact]
    public void Rejects_inputs_without_a_channel_axis()
    {
        using var scope = NewDisposeScope();

        new LocalResponseNorm().Invoking(m => m.call(zeros(4, 5))).Should().Throw<ArgumentException>().WithMessage("*[4, 5]*");
    }
}
