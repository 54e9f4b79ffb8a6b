using Siamese.Net.Reducers;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// ArcFace, the additive angular margin loss (Deng, Guo, Xue and Zafeiriou, "ArcFace: Additive Angular Margin Loss
/// for Deep Face Recognition", CVPR 2019, eq. 3): a normalised softmax in which the angle to the true class is
/// increased by m before the cosine is taken, a constant geodesic margin on the hypersphere.
/// </summary>
/// <remarks>
/// <para><c>L_i = -log(exp(s cos(theta_{y_i} + m)) / (exp(s cos(theta_{y_i} + m)) + sum_{c != y_i} exp(s cos theta_c)))</c>,
/// reduced by the mean over the batch. <c>cos(theta + m)</c> is computed as <c>cos theta cos m - sin theta sin m</c> with
/// <c>sin theta = sqrt(max(1 - cos^2 theta, 1e-12))</c> — never through acos, whose infinite derivative at
/// <c>|cos theta| = 1</c> is where float32 ArcFace goes NaN — and where <c>theta + m</c> would pass pi (cos theta at or
/// below cos(pi - m)) the target logit is <c>cos theta - m sin m</c>, keeping it decreasing in theta (insightface's
/// threshold).</para>
/// <para>Defaults: s 64 and m 0.5 (about 28.6°), the paper's for face recognition with thousands of identities; with
/// few classes a smaller s (see <see cref="CosFaceLoss"/>) or m 0.2-0.3 helps early training. Needs only 1 image per
/// class.</para>
/// </remarks>
public class ArcFaceLoss : ProxyLoss
{
    /// <summary>Creates the loss with freshly initialised class weights.</summary>
    /// <param name="classes">Number of training classes C.</param>
    /// <param name="embeddingSize">Embedding dimension D.</param>
    /// <param name="scale">The scale s; default 64.</param>
    /// <param name="margin">The angular margin m in radians; default 0.5.</param>
    /// <param name="reducer">How per-image losses are combined; the mean when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1, the scale is not positive or the margin is outside [0, pi/2].</exception>
    public ArcFaceLoss(int classes, int embeddingSize, double scale = 64.0, double margin = 0.5, IReducer? reducer = null)
        : this(nameof(ArcFaceLoss), classes, embeddingSize, 1, scale, margin, reducer)
    {
    }

    /// <summary>Initialises an ArcFace loss with several weight vectors per class.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="classes">Number of training classes C.</param>
    /// <param name="embeddingSize">Embedding dimension D.</param>
    /// <param name="weightsPerClass">Weight vectors (sub-centres) per class.</param>
    /// <param name="scale">The scale s.</param>
    /// <param name="margin">The angular margin m in radians.</param>
    /// <param name="reducer">The reducer; the mean when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1, the scale is not positive or the margin is outside [0, pi/2].</exception>
    private protected ArcFaceLoss(string name, int classes, int embeddingSize, int weightsPerClass, double scale, double margin, IReducer? reducer)
        : base(name, classes, embeddingSize, weightsPerClass, reducer)
    {
        Scale = Guard.Positive(scale);
        Margin = Guard.InRange(margin, 0.0, Math.PI / 2);
    }

    /// <summary>The scale s.</summary>
    public double Scale { get; }

    /// <summary>The angular margin m, in radians.</summary>
    public double Margin { get; }

    /// <inheritdoc />
    protected override Tensor ClassPerItem(Tensor embeddings, Tensor labels, Tensor weights) =>
        nn.functional.cross_entropy(Logits(ClassCosines(embeddings, weights), labels), labels, reduction: nn.Reduction.None);

    /// <summary>The cosine [N, C] between each embedding and each class.</summary>
    /// <param name="embeddings">Embeddings [N, D].</param>
    /// <param name="weights">Class weights [C K, D].</param>
    /// <returns>Cosines [N, C].</returns>
    private protected virtual Tensor ClassCosines(Tensor embeddings, Tensor weights) => Cosines(embeddings, weights);

    private Tensor Logits(Tensor cosines, Tensor labels)
    {
        var sine = (1 - (cosines * cosines)).clamp_min(1e-12).sqrt();
        var shifted = (cosines * Math.Cos(Margin)) - (sine * Math.Sin(Margin));
        var target = where(cosines.gt(Math.Cos(Math.PI - Margin)), shifted, cosines - (Margin * Math.Sin(Margin)));
        return where(ClassMask(labels), target, cosines) * Scale;
    }
}
