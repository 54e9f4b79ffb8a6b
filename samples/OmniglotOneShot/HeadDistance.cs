using Siamese.Net.Distances;
using Siamese.Net.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace OmniglotOneShot;

/// <summary>
/// Koch et al.'s learned similarity as an <see cref="IDistance"/>: <c>-log p(same)</c> of the BCE head's weighted L1
/// comparison, i.e. <c>softplus(-logit)</c>, so the one-shot classifier ranks support images exactly as Koch's network
/// does (highest same-probability first) and the head's weights, not a plain L1, decide. It is non-negative, as a
/// distance threshold must be, and does not saturate to ties the way <c>1 - p</c> does in float32.
/// </summary>
public sealed class HeadDistance : IDistance
{
    private readonly BceHeadLoss _head;

    /// <summary>Wraps a trained head; the caller keeps ownership.</summary>
    public HeadDistance(BceHeadLoss head)
    {
        ArgumentNullException.ThrowIfNull(head);
        _head = head;
    }

    /// <inheritdoc />
    public string Name => "koch-head";

    /// <inheritdoc />
    public Tensor Pairwise(Tensor first, Tensor second)
    {
        using var logits = _head.Logits(first, second);
        using var negated = logits.neg();
        return nn.functional.softplus(negated);
    }

    /// <inheritdoc />
    public Tensor Matrix(Tensor queries, Tensor references)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(references);
        using var scope = NewDisposeScope();
        long q = queries.shape[0], r = references.shape[0], d = queries.shape[1];
        var first = queries.unsqueeze(1).expand(q, r, d).reshape(q * r, d);
        var second = references.unsqueeze(0).expand(q, r, d).reshape(q * r, d);
        return nn.functional.softplus(_head.Logits(first, second).neg()).reshape(q, r).MoveToOuterDisposeScope();
    }
}
