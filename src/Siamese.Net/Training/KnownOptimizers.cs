using TorchSharp.Modules;

namespace Siamese.Net.Training;

/// <summary>
/// Optimizer presets for <see cref="SiameseTrainerOptions.Optimizer"/> (ImageSharp's <c>Known*</c> pattern): each
/// returns a factory over all trainable parameters. Anything else is a lambda away, e.g.
/// <c>p =&gt; torch.optim.RMSProp(p.All, 1e-3)</c>.
/// </summary>
public static class KnownOptimizers
{
    /// <summary>Adam (Kingma and Ba 2015) with an L2 penalty; the default with learning rate 1e-3 and weight decay 5e-4.</summary>
    /// <param name="learningRate">Learning rate; positive.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient; zero or positive.</param>
    /// <param name="beta1">First-moment decay in [0, 1).</param>
    /// <param name="beta2">Second-moment decay in [0, 1).</param>
    /// <returns>The factory.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public static Func<TrainableParameters, OptimizerHelper> Adam(double learningRate = 1e-3, double weightDecay = 5e-4, double beta1 = 0.9, double beta2 = 0.999)
    {
        Check(learningRate, weightDecay, beta1, beta2);
        return p => new TorchSharp.Modules.Adam(p.All, learningRate, beta1, beta2, 1e-8, weightDecay, amsgrad: false, maximize: false);
    }

    /// <summary>AdamW (Loshchilov and Hutter 2019): Adam with decoupled weight decay.</summary>
    /// <param name="learningRate">Learning rate; positive.</param>
    /// <param name="weightDecay">Decoupled weight decay; zero or positive.</param>
    /// <param name="beta1">First-moment decay in [0, 1).</param>
    /// <param name="beta2">Second-moment decay in [0, 1).</param>
    /// <returns>The factory.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public static Func<TrainableParameters, OptimizerHelper> AdamW(double learningRate = 1e-3, double weightDecay = 1e-2, double beta1 = 0.9, double beta2 = 0.999)
    {
        Check(learningRate, weightDecay, beta1, beta2);
        return p => new TorchSharp.Modules.AdamW(p.All, learningRate, beta1, beta2, 1e-8, weightDecay, amsgrad: false, maximize: false);
    }

    /// <summary>Stochastic gradient descent with momentum.</summary>
    /// <param name="learningRate">Learning rate; positive.</param>
    /// <param name="momentum">Momentum in [0, 1).</param>
    /// <param name="weightDecay">L2 penalty; zero or positive.</param>
    /// <returns>The factory.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public static Func<TrainableParameters, OptimizerHelper> Sgd(double learningRate, double momentum = 0.9, double weightDecay = 5e-4)
    {
        Check(learningRate, weightDecay, momentum, 0);
        return p => new SGD(p.All, learningRate, momentum, dampening: 0, weightDecay, nesterov: false, maximize: false);
    }

    private static void Check(double learningRate, double weightDecay, double beta1, double beta2)
    {
        Guard.Positive(learningRate, nameof(learningRate));
        Guard.NonNegative(weightDecay, nameof(weightDecay));
        if (!(beta1 >= 0 && beta1 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "must be in [0, 1).");
        }

        if (!(beta2 >= 0 && beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "must be in [0, 1).");
        }
    }
}
