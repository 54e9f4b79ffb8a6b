using Siamese.Net.Distances;
using Siamese.Net.Reducers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// A loss with a learned weight vector per training class — a proxy (ProxyAnchor, ProxyNCA) or a classifier row
/// (normalised softmax, CosFace, ArcFace, sub-center ArcFace) — held as the parameter <c>weight</c>
/// [<see cref="Classes"/> × <see cref="WeightsPerClass"/>, <see cref="EmbeddingSize"/>] (row <c>c K + k</c> is vector
/// k of class c; the layout of <c>nn.Linear(D, C K).weight</c>).
/// </summary>
/// <remarks>
/// <para>The parameter is registered on the loss module, so the trainer optimises it (it arrives in
/// <c>TrainableParameters.Loss</c>, where an optimizer factory can give it its own learning rate: the proxy papers use
/// 100x the network's) and checkpoints it with the network. The loss always computes in float32 (float64 if the
/// embeddings or weights are float64): bfloat16 embeddings are widened first, because scales such as s = 64 or
/// alpha = 32 overflow or round away in bfloat16 — the NaN proxy losses of low-precision training. Keep the loss
/// module itself in float32 when the network is switched to bfloat16.</para>
/// <para>The weights are initialised from a Kaiming normal distribution (fan-out), as pytorch-metric-learning's proxy losses; every
/// derived loss normalises them, so only their directions matter. Labels must be class ids 0..C-1 (an
/// <see cref="ArgumentException"/> otherwise); mined or given tuples are ignored: these losses compare every image with
/// every class. The loss's <see cref="MetricLoss.Distance"/> is the cosine distance, which ranks embeddings at
/// validation and inference as the loss trained them.</para>
/// </remarks>
public abstract class ProxyLoss : MetricLoss
{
    private const string WeightName = "weight";

    /// <summary>Initialises the loss and its weights.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="classes">Number of training classes C, at least 1.</param>
    /// <param name="embeddingSize">Embedding dimension D, at least 1.</param>
    /// <param name="weightsPerClass">Weight vectors per class K (sub-centres), at least 1.</param>
    /// <param name="reducer">The reducer; the mean when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1.</exception>
    protected ProxyLoss(string name, int classes, int embeddingSize, int weightsPerClass = 1, IReducer? reducer = null)
        : base(name, new CosineDistance(), reducer)
    {
        Classes = Guard.AtLeast(classes, 1);
        EmbeddingSize = Guard.AtLeast(embeddingSize, 1);
        WeightsPerClass = Guard.AtLeast(weightsPerClass, 1);
        var initial = empty((long)classes * weightsPerClass, embeddingSize, ScalarType.Float32);
        nn.init.kaiming_normal_(initial, mode: nn.init.FanInOut.FanOut);
        register_parameter(WeightName, new Parameter(initial));
    }

    /// <summary>Number of training classes C.</summary>
    public int Classes { get; }

    /// <summary>Embedding dimension D.</summary>
    public int EmbeddingSize { get; }

    /// <summary>Weight vectors per class K (1 except for sub-center ArcFace).</summary>
    public int WeightsPerClass { get; }

    /// <summary>The class weights [C K, D] (the current parameter: it follows the module's moves and casts).</summary>
    public Parameter Weight => get_parameter(WeightName) ?? throw new InvalidOperationException($"{GetName()} has lost its {WeightName} parameter.");

    /// <inheritdoc />
    protected sealed override Tensor PerItem(Tensor embeddings, Tensor? labels, IndexTuples? tuples)
    {
        var classIds = RequireLabels(labels).to_type(ScalarType.Int64);
        if (embeddings.shape[1] != EmbeddingSize)
        {
            throw new ArgumentException($"{GetName()} was created for {EmbeddingSize}-dimensional embeddings; got [{Guard.Shape(embeddings)}].", nameof(embeddings));
        }

        // One synchronisation per step; the range is read only to word the error.
        if (classIds.lt(0).logical_or(classIds.ge(Classes)).any().item<bool>())
        {
            long low = classIds.min().item<long>();
            long high = classIds.max().item<long>();
            throw new ArgumentException($"{GetName()} has {Classes} classes, so labels must be class ids 0..{Classes - 1}; got ids from {low} to {high}.", nameof(labels));
        }

        var weight = Weight;
        var type = LossMath.WorkingType(embeddings, weight);
        var w = weight.device == embeddings.device ? weight.to_type(type) : weight.to(type, embeddings.device);
        return ClassPerItem(embeddings.to_type(type), classIds, w);
    }

    /// <summary>The per-item losses, in the working precision.</summary>
    /// <param name="embeddings">Embeddings [N, D] in float32 or float64.</param>
    /// <param name="labels">Class ids [N] (Int64, checked to be in 0..C-1).</param>
    /// <param name="weights">The class weights [C K, D] in the embeddings' type (gradients flow to the parameter).</param>
    /// <returns>Losses [T] inside the caller's dispose scope.</returns>
    protected abstract Tensor ClassPerItem(Tensor embeddings, Tensor labels, Tensor weights);

    /// <summary>The cosine similarities [N, C K] of the embeddings to every weight vector.</summary>
    /// <param name="embeddings">Embeddings [N, D].</param>
    /// <param name="weights">Weights [C K, D].</param>
    /// <returns>Cosines in [-1, 1], with the cosine distance's norm floor.</returns>
    protected static Tensor Cosines(Tensor embeddings, Tensor weights) => LossMath.Cosine(embeddings, weights);

    /// <summary>A boolean [N, C] mask of each embedding's class.</summary>
    /// <param name="labels">Class ids [N].</param>
    /// <returns>The one-hot mask.</returns>
    protected Tensor ClassMask(Tensor labels) => nn.functional.one_hot(labels, Classes).to_type(ScalarType.Bool);
}
