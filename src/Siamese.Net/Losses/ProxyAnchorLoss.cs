using Siamese.Net.Reducers;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// Proxy-Anchor loss (Kim, Kim, Cho and Kwak, "Proxy Anchor Loss for Deep Metric Learning", CVPR 2020, eq. 4): each
/// class proxy is an anchor that pulls all the batch's images of its class and pushes all others, weighted by how
/// hard they are, so the loss sees data-to-data relations through the proxies and converges in few epochs.
/// </summary>
/// <remarks>
/// <para>With cosine similarities <c>s(x, p)</c> to the proxies, P all C proxies and P+ those with an image in the batch:
/// <c>L = (1/|P+|) sum_{p in P+} log(1 + sum_{x in X_p+} exp(-alpha (s(x, p) - delta))) + (1/|P|) sum_{p in P} log(1 + sum_{x in X_p-} exp(alpha (s(x, p) + delta)))</c>,
/// as log-sum-exps. The per-item losses are one per proxy, <c>(C / |P+|) pos_c + neg_c</c>, so that the default mean
/// reducer gives exactly L.</para>
/// <para>Defaults: alpha 32, delta (margin) 0.1, the paper's. The paper trains the proxies with 100x the network's
/// learning rate (an optimizer parameter group over <c>TrainableParameters.Loss</c>). Needs only 1 image per class.</para>
/// </remarks>
public sealed class ProxyAnchorLoss : ProxyLoss
{
    /// <summary>Creates the loss with freshly initialised proxies.</summary>
    /// <param name="classes">Number of training classes C.</param>
    /// <param name="embeddingSize">Embedding dimension D.</param>
    /// <param name="alpha">The scale alpha; default 32.</param>
    /// <param name="margin">The margin delta; default 0.1.</param>
    /// <param name="reducer">How per-proxy losses are combined; the mean (giving the paper's L) when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1, alpha is not positive or the margin is outside [0, 1].</exception>
    public ProxyAnchorLoss(int classes, int embeddingSize, double alpha = 32.0, double margin = 0.1, IReducer? reducer = null)
        : base(nameof(ProxyAnchorLoss), classes, embeddingSize, 1, reducer)
    {
        Alpha = Guard.Positive(alpha);
        Margin = Guard.InRange(margin, 0.0, 1.0);
    }

    /// <summary>The scale alpha.</summary>
    public double Alpha { get; }

    /// <summary>The margin delta.</summary>
    public double Margin { get; }

    /// <inheritdoc />
    protected override Tensor ClassPerItem(Tensor embeddings, Tensor labels, Tensor weights)
    {
        var s = Cosines(embeddings, weights);
        var positive = ClassMask(labels);
        var positiveTerm = LossMath.LogOnePlusSumExp((s - Margin) * -Alpha, positive, 0);
        var negativeTerm = LossMath.LogOnePlusSumExp((s + Margin) * Alpha, positive.logical_not(), 0);
        var withPositive = positive.any(0).sum().to_type(s.dtype);
        return (positiveTerm * Classes / withPositive) + negativeTerm;
    }
}
