using Siamese.Net.Encoders;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Encoders;

public sealed class FastLocalResponseNormTests(ITestOutputHelper output)
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

        var ours = new FastLocalResponseNorm(size, alpha, beta, k).call(x);
        var theirs = nn.LocalResponseNorm(size, alpha, beta, k).call(x2);
        (ours * upstream).sum().backward();
        (theirs * upstream).sum().backward();

        (ours - theirs).abs().max().item<float>().Should().BeLessThan(1e-6f * Math.Max(1f, theirs.abs().max().item<float>()));
        (x.grad! - x2.grad!).abs().max().item<float>().Should().BeLessThan(1e-5f);
    }

    [Theory]
    [InlineData(5, 1e-4, 0.75, 2.0)]
    [InlineData(4, 1e-2, 0.5, 1.0)]
    [InlineData(6, 1e-1, 1.3, 0.5)]
    public void Hand_written_backward_matches_libtorch_in_double_precision(int size, double alpha, double beta, double k)
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(5);
        var x = (randn([3, 9, 4, 5], dtype: ScalarType.Float64, generator: gen) * 20).requires_grad_();
        var x2 = x.detach().clone().requires_grad_();
        var upstream = randn([3, 9, 4, 5], dtype: ScalarType.Float64, generator: gen);

        (new FastLocalResponseNorm(size, alpha, beta, k).call(x) * upstream).sum().backward();
        (nn.LocalResponseNorm(size, alpha, beta, k).call(x2) * upstream).sum().backward();

        var scale = x2.grad!.abs().max().item<double>();
        (x.grad! - x2.grad!).abs().max().item<double>().Should().BeLessThan(1e-12 * Math.Max(1, scale));
    }

    [Fact]
    public void Gradient_flows_through_a_network_and_the_inference_path_gives_the_training_values()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(11);
        var conv = nn.Conv2d(3, 8, 3);
        var x = randn(2, 3, 9, 9, generator: gen);
        var lrn = new FastLocalResponseNorm();

        var trained = lrn.call(conv.call(x).relu());
        trained.square().sum().backward();
        conv.weight!.grad.Should().NotBeNull();
        conv.weight!.grad!.abs().sum().item<float>().Should().BeGreaterThan(0);

        using (no_grad())
        {
            var inferred = lrn.call(conv.call(x).relu());
            (inferred - trained.detach()).abs().max().item<float>().Should().Be(0f);
        }
    }

    [Fact]
    public void Works_in_bfloat16_forward_and_backward_close_to_float32()
    {
        // libtorch's own LocalResponseNorm has no bfloat16 CPU kernel (avg_pool3d); this one must.
        using var scope = NewDisposeScope();
        var gen = new Generator(7);
        var x = (rand(2, 16, 6, 6, generator: gen) * 30).requires_grad_();
        var xb = x.detach().to(ScalarType.BFloat16).requires_grad_();
        var upstream = randn(2, 16, 6, 6, generator: gen);
        var lrn = new FastLocalResponseNorm();

        var y = lrn.call(x);
        var yb = lrn.call(xb);
        (y * upstream).sum().backward();
        (yb * upstream.to(ScalarType.BFloat16)).sum().backward();

        yb.dtype.Should().Be(ScalarType.BFloat16);
        xb.grad!.dtype.Should().Be(ScalarType.BFloat16);
        var valueError = (yb.to(ScalarType.Float32) - y).abs().max().item<float>() / y.abs().max().item<float>();
        var gradError = (xb.grad!.to(ScalarType.Float32) - x.grad!).abs().max().item<float>() / x.grad!.abs().max().item<float>();
        output.WriteLine($"bf16 vs fp32 relative max error: value {valueError:E2}, gradient {gradError:E2}");
        valueError.Should().BeLessThan(0.02f);
        gradError.Should().BeLessThan(0.03f);
    }

    [Fact]
    public void Training_steps_leave_no_live_tensors_behind()
    {
        var lrn = new FastLocalResponseNorm();
        using var x = rand(2, 8, 5, 5);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 3; i++)
        {
            using var scope = NewDisposeScope();
            var leaf = x.detach().clone().requires_grad_();
            lrn.call(leaf).sum().backward();
            leaf.grad!.shape.Should().Equal(2, 8, 5, 5);
        }

        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);
    }

    [Fact]
    public void Rejects_inputs_without_a_channel_axis()
    {
        using var scope = NewDisposeScope();

        new FastLocalResponseNorm().Invoking(m => m.call(zeros(4, 5))).Should().Throw<ArgumentException>().WithMessage("*[4, 5]*");
    }
}
