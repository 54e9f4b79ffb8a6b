using Siamese.Net.Reducers;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// ProxyNCA (Movshovitz-Attias, Toshev, Leung, Ioffe and Singh, "No Fuss Distance Metric Learning using Proxies",
/// ICCV 2017): neighbourhood component analysis against one learned proxy per class instead of the other images.
/// </summary>
/// <remarks>
/// <para>With L2-normalised embeddings <c>x^</c> and proxies <c>p^</c>:
/// <c>L_i = -log softmax_c(-scale |x^_i - p^_c|^2)[y_i]</c>, the softmax over all proxies including the true one
/// (pytorch-metric-learning's form; the paper leaves the true proxy out of the denominator, which makes the loss
/// unbounded below). Reduced by the mean over the batch.</para>
/// <para>Default scale 9, the inverse of the temperature 1/9 that ProxyNCA++ (Teh, DeVries and Taylor, ECCV 2020)
/// found best: the squared distances of unit vectors lie in [0, 4], so scale 1 (pytorch-metric-learning's default)
/// keeps the softmax close to uniform. Needs only 1 image per class.</para>
/// </remarks>
public sealed class ProxyNcaLoss : ProxyLoss
{
    /// <summary>Creates the loss with freshly initialised proxies.</summary>
    /// <param name="classes">Number of training classes C.</param>
    /// <param name="embeddingSize">Embedding dimension D.</param>
    /// <param name="scale">Multiplies the negative squared distances (1 / temperature); default 9.</param>
    /// <param name="reducer">How per-image losses are combined; the mean when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1 or the scale is not positive.</exception>
    public ProxyNcaLoss(int classes, int embeddingSize, double scale = 9.0, IReducer? reducer = null)
        : base(nameof(ProxyNcaLoss), classes, embeddingSize, 1, reducer)
    {
        Scale = Guard.Positive(scale);
    }

    /// <summary>The softmax scale.</summary>
    public double Scale { get; }

    /// <inheritdoc />
    protected override Tensor ClassPerItem(Tensor embeddings, Tensor labels, Tensor weights)
    {
        var x = LossMath.Unit(embeddings);
        var p = LossMath.Unit(weights);
        // |x - p|^2 = |x|^2 + |p|^2 - 2 x.p without an [N, C, D] difference tensor (C may be thousands).
        var squared = ((x * x).sum(1, keepdim: true) + (p * p).sum(1).unsqueeze(0) - (x.matmul(p.t()) * 2)).clamp_min(0);
        var logProbability = nn.functional.log_softmax(squared * -Scale, 1);
        return -logProbability.gather(1, labels.unsqueeze(1)).squeeze(1);
    }
}
