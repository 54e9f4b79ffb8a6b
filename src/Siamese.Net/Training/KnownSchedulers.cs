using TorchSharp.Modules;
using static TorchSharp.torch.optim.lr_scheduler;

namespace Siamese.Net.Training;

/// <summary>Learning-rate schedule presets for a <see cref="LearningRateScheduler"/> callback, stepped once per epoch.</summary>
public static class KnownSchedulers
{
    /// <summary>Multiplies the learning rate by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs.</summary>
    /// <param name="stepSize">Epochs between decays; at least 1.</param>
    /// <param name="gamma">Factor in (0, 1].</param>
    /// <returns>The factory.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public static Func<OptimizerHelper, LRScheduler> Step(int stepSize, double gamma = 0.1)
    {
        Guard.AtLeast(stepSize, 1);
        Guard.InRange(gamma, double.Epsilon, 1);
        return o => StepLR(o, stepSize, gamma);
    }

    /// <summary>Cosine annealing from the initial learning rate to <paramref name="minimum"/> over <paramref name="epochs"/> epochs.</summary>
    /// <param name="epochs">Length of the half cosine, usually the run's epochs; at least 1.</param>
    /// <param name="minimum">Final learning rate; zero or positive.</param>
    /// <returns>The factory.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public static Func<OptimizerHelper, LRScheduler> Cosine(int epochs, double minimum = 0)
    {
        Guard.AtLeast(epochs, 1);
        Guard.NonNegative(minimum);
        return o => CosineAnnealingLR(o, epochs, minimum);
    }

    /// <summary>
    /// Multiplies the learning rate by <paramref name="factor"/> when the monitored metric
    /// (<see cref="SiameseTrainerOptions.Monitor"/>) has not improved by <paramref name="threshold"/> for
    /// <paramref name="patience"/> evaluations.
    /// </summary>
    /// <param name="mode">Whether the monitored metric should fall or rise (match the monitor's).</param>
    /// <param name="factor">Factor in (0, 1).</param>
    /// <param name="patience">Evaluations without improvement before a decay; zero or more.</param>
    /// <param name="threshold">Absolute improvement that counts; zero or positive.</param>
    /// <returns>The factory.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public static Func<OptimizerHelper, LRScheduler> ReduceOnPlateau(MetricMode mode = MetricMode.Min, double factor = 0.1, int patience = 5, double threshold = 0)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown metric mode.");
        }

        if (!(factor > 0 && factor < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "must be in (0, 1).");
        }

        Guard.AtLeast(patience, 0);
        Guard.NonNegative(threshold);
        return o => ReduceLROnPlateau(o, mode == MetricMode.Min ? "min" : "max", factor, patience, threshold: threshold, threshold_mode: "abs");
    }
}
