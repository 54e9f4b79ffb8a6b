using Siamese.Net.Reducers;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// CosFace, the large margin cosine loss (Wang, Wang, Zhou, Ji, Gong, Zhou, Li and Liu, "CosFace: Large Margin Cosine
/// Loss for Deep Face Recognition", CVPR 2018, eq. 4): a normalised softmax whose target cosine is lowered by an
/// additive margin, so a class must win by at least m.
/// </summary>
/// <remarks>
/// <para><c>L_i = -log(exp(s (cos theta_{y_i} - m)) / (exp(s (cos theta_{y_i} - m)) + sum_{c != y_i} exp(s cos theta_c)))</c>,
/// theta_c the angle between the embedding and class weight c; reduced by the mean over the batch.</para>
/// <para>Defaults: s 64 and m 0.35, the paper's for face recognition with thousands of identities. With few classes
/// (tens) a smaller scale trains more smoothly: AdaCos (Zhang et al. 2019) suggests s = sqrt(2) ln(C - 1), about 5 for
/// 40 classes and 13 for 10 000. Needs only 1 image per class.</para>
/// </remarks>
public sealed class CosFaceLoss : ProxyLoss
{
    /// <summary>Creates the loss with freshly initialised class weights.</summary>
    /// <param name="classes">Number of training classes C.</param>
    /// <param name="embeddingSize">Embedding dimension D.</param>
    /// <param name="scale">The scale s; default 64.</param>
    /// <param name="margin">The cosine margin m; default 0.35.</param>
    /// <param name="reducer">How per-image losses are combined; the mean when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1, the scale is not positive or the margin is outside [0, 1].</exception>
    public CosFaceLoss(int classes, int embeddingSize, double scale = 64.0, double margin = 0.35, IReducer? reducer = null)
        : base(nameof(CosFaceLoss), classes, embeddingSize, 1, reducer)
    {
        Scale = Guard.Positive(scale);
        Margin = Guard.InRange(margin, 0.0, 1.0);
    }

    /// <summary>The scale s.</summary>
    public double Scale { get; }

    /// <summary>The cosine margin m.</summary>
    public double Margin { get; }

    /// <inheritdoc />
    protected override Tensor ClassPerItem(Tensor embeddings, Tensor labels, Tensor weights)
    {
        var cosines = Cosines(embeddings, weights);
        var logits = (cosines - (ClassMask(labels).to_type(cosines.dtype) * Margin)) * Scale;
        return nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.None);
    }
}
