using TorchSharp;

namespace Siamese.Net.Tests.Native;

public sealed class TorchSharpLoadsTests
{
    [Fact]
    public void A_TorchSharp_computation_runs_in_the_test_host()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.arange(6, dtype: torch.float32).reshape(2, 3);

        var product = a.matmul(a.t());

        product.data<float>().ToArray().Should().Equal(5f, 14f, 14f, 50f);
    }
}
