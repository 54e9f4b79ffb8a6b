using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// The verification head of Koch, Zemel and Salakhutdinov (2015): the component-wise distance
/// <c>|e1 - e2|</c> goes through a trainable <c>Linear(D, 1)</c> to a logit, trained with binary cross-entropy against
/// "same pair"; <see cref="SameProbability"/> is the sigmoid of that logit.
/// </summary>
/// <remarks>
/// <para><c>loss = -[s log sigmoid(z) + (1 - s) log(1 - sigmoid(z))]</c> with <c>z = w . |e1 - e2| + b</c> and
/// <c>s = 1</c> for a same pair, computed in the numerically stable logits form and reduced (mean by default).</para>
/// <para>The head has parameters: give them to the optimiser together with the encoder's (and save them with it).
/// The linear layer is named <c>out</c>, as in the widespread PyTorch Koch implementation, so its
/// <c>out.weight</c>/<c>out.bias</c> load from such a state_dict.</para>
/// </remarks>
public sealed class BceHeadLoss : PairLoss
{
#pragma warning disable IDE1006, SA1300 // The field name is the state_dict key of the PyTorch implementation.
    private readonly Linear @out;
#pragma warning restore IDE1006, SA1300

    /// <summary>Creates the head with a freshly initialised linear layer (PyTorch's default initialisation).</summary>
    /// <param name="embeddingSize">Embedding dimension D of the encoder.</param>
    /// <param name="reduction">How per-pair losses are combined; mean by default.</param>
    /// <exception cref="ArgumentOutOfRangeException">The embedding size is not positive, or the reduction is unknown.</exception>
    public BceHeadLoss(int embeddingSize, Reduction reduction = Reduction.Mean) : base(nameof(BceHeadLoss))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingSize);
        LossChecks.CheckReduction(reduction, nameof(reduction));
        EmbeddingSize = embeddingSize;
        Reduction = reduction;
        @out = nn.Linear(embeddingSize, 1);
        RegisterComponents();
    }

    /// <summary>Embedding dimension D the head accepts.</summary>
    public int EmbeddingSize { get; }

    /// <summary>How per-pair losses are combined.</summary>
    public Reduction Reduction { get; }

    /// <summary>The logit [N] that each pair is a same pair.</summary>
    /// <param name="first">Embeddings [N, D].</param>
    /// <param name="second">Embeddings [N, D].</param>
    /// <exception cref="ArgumentException">Shapes do not match or D differs from <see cref="EmbeddingSize"/>.</exception>
    public Tensor Logits(Tensor first, Tensor second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.dim() != 2 || !first.shape.SequenceEqual(second.shape) || first.shape[1] != EmbeddingSize)
        {
            throw new ArgumentException(
                $"Expected two embedding batches [N, {EmbeddingSize}], got {LossChecks.Format(first)} and {LossChecks.Format(second)}.",
                nameof(second));
        }

        using var scope = NewDisposeScope();
        return @out.forward((first - second).abs()).squeeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>The probability [N] that each pair is a same pair: <c>sigmoid(logit)</c>.</summary>
    /// <param name="first">Embeddings [N, D].</param>
    /// <param name="second">Embeddings [N, D].</param>
    /// <exception cref="ArgumentException">Shapes do not match or D differs from <see cref="EmbeddingSize"/>.</exception>
    public Tensor SameProbability(Tensor first, Tensor second)
    {
        using var logits = Logits(first, second);
        return logits.sigmoid();
    }

    /// <inheritdoc />
    public override Tensor Compute(Tensor first, Tensor second, PairTargets targets)
    {
        LossChecks.CheckPair(first, second, targets);
        using var scope = NewDisposeScope();
        var logits = Logits(first, second);
        var target = targets.IsSame.to(logits.device).to_type(logits.dtype);
        var perPair = nn.functional.binary_cross_entropy_with_logits(logits, target, reduction: nn.Reduction.None);
        return LossChecks.Reduce(perPair, Reduction).MoveToOuterDisposeScope();
    }
}
