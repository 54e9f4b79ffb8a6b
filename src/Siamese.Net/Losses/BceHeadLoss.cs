using Siamese.Net.Distances;
using Siamese.Net.Miners;
using Siamese.Net.Reducers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// The verification head of Koch, Zemel and Salakhutdinov (2015): the component-wise distance
/// <c>|e1 - e2|</c> goes through a trainable <c>Linear(D, 1)</c> to a logit, trained with binary cross-entropy against
/// "same pair". The head is the loss's <see cref="MetricLoss.Distance"/>: a learned similarity (larger logit = more
/// alike), so validation and a one-shot classifier rank pairs by it.
/// </summary>
/// <remarks>
/// <para><c>loss = -[s log sigmoid(z) + (1 - s) log(1 - sigmoid(z))]</c> with <c>z = w . |e1 - e2| + b</c> and
/// <c>s = 1</c> for a positive pair, computed in the numerically stable logits form and reduced (mean by default) over
/// the positive pairs followed by the negative pairs.</para>
/// <para>The head's parameters are trained and checkpointed with the network. The linear layer is named <c>out</c>,
/// as in the widespread PyTorch Koch implementation, so its <c>out.weight</c>/<c>out.bias</c> load from such a
/// state_dict.</para>
/// </remarks>
public sealed class BceHeadLoss : MetricLoss
{
#pragma warning disable IDE1006, SA1300 // The field name is the state_dict key of the PyTorch implementation.
    private readonly Linear @out;
#pragma warning restore IDE1006, SA1300

    /// <summary>Creates the head with a freshly initialised linear layer (PyTorch's default initialisation).</summary>
    /// <param name="embeddingSize">Embedding dimension D of the encoder.</param>
    /// <param name="reducer">How per-pair losses are combined; the mean when null.</param>
    /// <param name="miner">Miner for labelled batches; all pairs when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The embedding size is not positive.</exception>
    public BceHeadLoss(int embeddingSize, IReducer? reducer = null, IMiner? miner = null)
        : this(Guard.AtLeast(embeddingSize, 1), nn.Linear(embeddingSize, 1), reducer, miner)
    {
    }

    private BceHeadLoss(int embeddingSize, Linear head, IReducer? reducer, IMiner? miner)
        : base(nameof(BceHeadLoss), new HeadSimilarity(head, embeddingSize), reducer, miner)
    {
        EmbeddingSize = embeddingSize;
        @out = head;
        RegisterComponents();
    }

    /// <summary>Embedding dimension D the head accepts.</summary>
    public int EmbeddingSize { get; }

    /// <inheritdoc />
    /// <remarks>2: with one image per class a labelled batch has only "different" pairs and the head learns to always say so.</remarks>
    public override int MinimumImagesPerClass => 2;

    /// <summary>The head's logits <c>w . |e1 - e2| + b</c> for aligned pairs [N, D] x [N, D]; returns [N].</summary>
    /// <param name="first">Embeddings [N, D].</param>
    /// <param name="second">Embeddings [N, D].</param>
    /// <returns>The logits.</returns>
    /// <exception cref="ArgumentException">The shapes are not [N, D] with the head's D.</exception>
    public Tensor Logits(Tensor first, Tensor second) => Distance.Pairwise(first, second);

    /// <summary>The probability that each pair is a same pair (the sigmoid of <see cref="Logits"/>).</summary>
    /// <param name="first">Embeddings [N, D].</param>
    /// <param name="second">Embeddings [N, D].</param>
    /// <returns>Probabilities [N].</returns>
    public Tensor SameProbability(Tensor first, Tensor second)
    {
        using var logits = Logits(first, second);
        return logits.sigmoid();
    }

    /// <inheritdoc />
    protected override Tensor PerItem(Tensor embeddings, Tensor? labels, IndexTuples? tuples)
    {
        var pairs = PairsOf(labels, tuples);
        var (positive, negative) = pairs.Distances(embeddings, Distance);
        var logits = cat([positive, negative], 0);
        var target = cat([ones_like(positive), zeros_like(negative)], 0);
        return nn.functional.binary_cross_entropy_with_logits(logits, target, reduction: nn.Reduction.None);
    }

    /// <summary>The head as a similarity: the logit of "same pair".</summary>
    private sealed class HeadSimilarity(Linear head, int embeddingSize) : IDistance
    {
        public string Name => "bce-head";

        public bool IsSimilarity => true;

        public Tensor Pairwise(Tensor first, Tensor second)
        {
            Check(first);
            Guard.SameShape(first, second);
            using var scope = NewDisposeScope();
            return head.call((first - second).abs()).squeeze(1).MoveToOuterDisposeScope();
        }

        public Tensor Matrix(Tensor queries, Tensor references)
        {
            Check(queries);
            Check(references);
            using var scope = NewDisposeScope();
            // [Q, R, D] differences: the head is not a metric, so there is no matrix-product shortcut.
            var difference = (queries.unsqueeze(1) - references.unsqueeze(0)).abs();
            return head.call(difference).squeeze(2).MoveToOuterDisposeScope();
        }

        private void Check(Tensor embeddings)
        {
            Guard.Embeddings(embeddings);
            if (embeddings.shape[1] != embeddingSize)
            {
                throw new ArgumentException($"The BCE head takes {embeddingSize}-dimensional embeddings; got [{Guard.Shape(embeddings)}].", nameof(embeddings));
            }
        }
    }
}
