using Siamese.Net.Encoders;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Benchmarks.SideBySide;

/// <summary>
/// SigNet as a plain TorchSharp port of the tutorial writes it: the same layers as <see cref="SigNet"/> but with
/// libtorch's own <c>nn.LocalResponseNorm</c>. With <c>THP_MEM_ALLOC_ENABLE=0</c> this is the issue's "plain
/// TorchSharp loop" baseline.
/// </summary>
internal sealed class PlainSigNet : ImageEncoder
{
    private readonly Sequential cnn1;
    private readonly Sequential fc1;

    /// <param name="compositeLrn">Use the library's previous LRN (autograd backward) instead of libtorch's.</param>
    public PlainSigNet(bool compositeLrn = false) : base(nameof(PlainSigNet), null, 105, 105, 128)
    {
        nn.Module<Tensor, Tensor> Lrn() => compositeLrn ? new CompositeLocalResponseNorm() : nn.LocalResponseNorm(5, 1e-4, 0.75, 2.0);
        cnn1 = nn.Sequential(
            nn.Conv2d(1, 96, 11, stride: 1), nn.ReLU(inplace: true), Lrn(), nn.MaxPool2d(3, stride: 2),
            nn.Conv2d(96, 256, 5, stride: 1, padding: 2), nn.ReLU(inplace: true), Lrn(), nn.MaxPool2d(3, stride: 2),
            nn.Dropout2d(0.3),
            nn.Conv2d(256, 384, 3, stride: 1, padding: 1), nn.ReLU(inplace: true),
            nn.Conv2d(384, 256, 3, stride: 1, padding: 1), nn.ReLU(inplace: true), nn.MaxPool2d(3, stride: 2), nn.Dropout2d(0.3));
        fc1 = nn.Sequential(nn.Linear(30976, 1024), nn.ReLU(inplace: true), nn.Dropout(0.5), nn.Linear(1024, 128));
        RegisterComponents();
    }

    protected override Tensor Embed(Tensor images)
    {
        using var scope = NewDisposeScope();
        return fc1.forward(cnn1.forward(images).flatten(1)).MoveToOuterDisposeScope();
    }
}
