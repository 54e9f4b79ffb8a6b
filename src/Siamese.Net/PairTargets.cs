using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net;

/// <summary>
/// The typed targets of a batch of pairs: for each pair, whether it is a <see cref="PairLabel.Same"/> pair.
/// Wraps a boolean tensor [N] so that losses never see a bare 0/1 whose meaning depends on a tutorial.
/// </summary>
public sealed class PairTargets : IDisposable
{
    private PairTargets(Tensor isSame) => IsSame = isSame;

    /// <summary>Boolean tensor [N]: <c>true</c> where the pair is a same pair.</summary>
    public Tensor IsSame { get; }

    /// <summary>Number of pairs.</summary>
    public long Count => IsSame.shape[0];

    /// <summary>Builds targets from labels.</summary>
    /// <param name="labels">One label per pair.</param>
    /// <param name="device">Device for the tensor; CPU when null.</param>
    /// <exception cref="ArgumentException">A label is not a defined <see cref="PairLabel"/> value.</exception>
    public static PairTargets FromLabels(IReadOnlyList<PairLabel> labels, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var same = new bool[labels.Count];
        for (int i = 0; i < labels.Count; i++)
        {
            same[i] = labels[i] switch
            {
                PairLabel.Same => true,
                PairLabel.Different => false,
                _ => throw new ArgumentException($"labels[{i}] is {(int)labels[i]}, which is not a PairLabel value.", nameof(labels)),
            };
        }

        return new PairTargets(tensor(same, device: device ?? CPU));
    }

    /// <summary>Wraps an existing boolean tensor [N] (true = same pair). The tensor is owned by the new object.</summary>
    /// <param name="isSame">Boolean tensor of rank 1.</param>
    /// <exception cref="ArgumentException">The tensor is not a rank-1 boolean tensor.</exception>
    public static PairTargets FromSameMask(Tensor isSame)
    {
        ArgumentNullException.ThrowIfNull(isSame);
        if (isSame.dtype != ScalarType.Bool || isSame.dim() != 1)
        {
            throw new ArgumentException(
                $"Expected a rank-1 Bool tensor (true = same pair), got {isSame.dtype} with shape [{string.Join(", ", isSame.shape)}].",
                nameof(isSame));
        }

        return new PairTargets(isSame);
    }

    /// <summary>The labels as an array (copies from the device).</summary>
    public PairLabel[] ToLabels() =>
        IsSame.cpu().data<bool>().ToArray().Select(s => s ? PairLabel.Same : PairLabel.Different).ToArray();

    /// <summary>Moves the targets to a device; returns a new object that owns the moved tensor.</summary>
    /// <param name="device">Target device.</param>
    public PairTargets To(Device device) => new(IsSame.to(device));

    /// <inheritdoc />
    public void Dispose() => IsSame.Dispose();
}
