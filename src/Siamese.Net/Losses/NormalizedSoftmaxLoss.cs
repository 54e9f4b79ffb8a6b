using Siamese.Net.Reducers;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// Normalised softmax (Zhai and Wu, "Classification is a Strong Baseline for Deep Metric Learning", BMVC 2019;
/// also NormFace, Wang et al. 2017): a classifier over the training classes whose logits are the cosines between the
/// embedding and each class weight, divided by a temperature.
/// </summary>
/// <remarks>
/// <para><c>L_i = -log softmax_c(cos(x_i, w_c) / temperature)[y_i]</c>, reduced by the mean over the batch.</para>
/// <para>Default temperature 0.05 (a scale of 20), the paper's and pytorch-metric-learning's. Needs only 1 image per
/// class; at inference the class weights are dropped and embeddings are compared by cosine.</para>
/// </remarks>
public sealed class NormalizedSoftmaxLoss : ProxyLoss
{
    /// <summary>Creates the loss with freshly initialised class weights.</summary>
    /// <param name="classes">Number of training classes C.</param>
    /// <param name="embeddingSize">Embedding dimension D.</param>
    /// <param name="temperature">Divides the cosines; default 0.05.</param>
    /// <param name="reducer">How per-image losses are combined; the mean when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1 or the temperature is not positive.</exception>
    public NormalizedSoftmaxLoss(int classes, int embeddingSize, double temperature = 0.05, IReducer? reducer = null)
        : base(nameof(NormalizedSoftmaxLoss), classes, embeddingSize, 1, reducer)
    {
        Temperature = Guard.Positive(temperature);
    }

    /// <summary>The softmax temperature.</summary>
    public double Temperature { get; }

    /// <inheritdoc />
    protected override Tensor ClassPerItem(Tensor embeddings, Tensor labels, Tensor weights) =>
        nn.functional.cross_entropy(Cosines(embeddings, weights) / Temperature, labels, reduction: nn.Reduction.None);
}
