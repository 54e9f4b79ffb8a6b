using Siamese.Net.Reducers;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// Sub-center ArcFace (Deng, Guo, Liu, Zhou, Yu and Zafeiriou, "Sub-center ArcFace: Boosting Face Recognition by
/// Large-scale Noisy Web Faces", ECCV 2020, eq. 2): ArcFace with K weight vectors (sub-centres) per class, the class
/// cosine being the largest of its K cosines, so noisy or atypical images gather around a non-dominant sub-centre
/// instead of pulling the class's main one.
/// </summary>
/// <remarks>
/// <para><c>cos theta_c = max_k cos(x_i, w_{c,k})</c>, then the <see cref="ArcFaceLoss"/> formula (same margin form and
/// threshold), reduced by the mean over the batch. Weight row <c>c K + k</c> is sub-centre k of class c.</para>
/// <para>Defaults: K 3, s 64, m 0.5, the paper's. Needs only 1 image per class.</para>
/// </remarks>
public sealed class SubCenterArcFaceLoss : ArcFaceLoss
{
    /// <summary>Creates the loss with freshly initialised sub-centres.</summary>
    /// <param name="classes">Number of training classes C.</param>
    /// <param name="embeddingSize">Embedding dimension D.</param>
    /// <param name="subCenters">Sub-centres per class K; default 3.</param>
    /// <param name="scale">The scale s; default 64.</param>
    /// <param name="margin">The angular margin m in radians; default 0.5.</param>
    /// <param name="reducer">How per-image losses are combined; the mean when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1, the scale is not positive or the margin is outside [0, pi/2].</exception>
    public SubCenterArcFaceLoss(int classes, int embeddingSize, int subCenters = 3, double scale = 64.0, double margin = 0.5, IReducer? reducer = null)
        : base(nameof(SubCenterArcFaceLoss), classes, embeddingSize, Guard.AtLeast(subCenters, 1), scale, margin, reducer)
    {
    }

    /// <summary>Sub-centres per class K.</summary>
    public int SubCenters => WeightsPerClass;

    /// <inheritdoc />
    private protected override Tensor ClassCosines(Tensor embeddings, Tensor weights)
    {
        var cosines = Cosines(embeddings, weights).reshape(embeddings.shape[0], Classes, WeightsPerClass);
        return cosines.max(2).values;
    }
}
