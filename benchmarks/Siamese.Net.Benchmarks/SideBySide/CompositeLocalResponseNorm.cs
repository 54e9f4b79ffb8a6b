using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Benchmarks.SideBySide;

/// <summary>
/// The library's previous LRN (shifted channel slices, backward derived by autograd through its elementwise ops),
/// kept here only to measure, through <see cref="PlainSigNet"/> (which also keeps every activation in NCHW), what
/// the hand-written backward of <see cref="Encoders.FastLocalResponseNorm"/> and SigNet's channels-last layout buy.
/// SigNet's constants (size 5, alpha 1e-4, beta 0.75, k 2).
/// </summary>
internal sealed class CompositeLocalResponseNorm() : nn.Module<Tensor, Tensor>(nameof(CompositeLocalResponseNorm))
{
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        long channels = input.shape[1];
        var squares = input.square();
        var sum = squares.clone();
        for (int offset = 1; offset <= 2; offset++)
        {
            sum.narrow(1, offset, channels - offset).add_(squares.narrow(1, 0, channels - offset));
            sum.narrow(1, 0, channels - offset).add_(squares.narrow(1, offset, channels - offset));
        }

        var r = sum.mul_(1e-4 / 5).add_(2.0).rsqrt();
        return (input * (r * r.sqrt())).MoveToOuterDisposeScope();
    }
}
