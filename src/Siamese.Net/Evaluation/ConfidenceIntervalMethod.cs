namespace Siamese.Net.Evaluation;

/// <summary>How a 95 % confidence interval of an accuracy was computed.</summary>
public enum ConfidenceIntervalMethod
{
    /// <summary>
    /// Normal approximation over episodes, as reported in the few-shot literature (Vinyals et al., Snell et al.):
    /// mean of the per-episode accuracies +/- z * s / sqrt(n), with s the sample standard deviation (n - 1) and
    /// z = 1.95996 (the 97.5 % normal quantile).
    /// </summary>
    NormalOverEpisodes = 1,

    /// <summary>Wilson score interval of one pooled proportion (correct / total), with z = 1.95996; stays inside [0, 1].</summary>
    Wilson = 2,
}
