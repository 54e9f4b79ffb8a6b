using Siamese.Net.Losses;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>What a <see cref="ITrainerCallback"/> sees of a run, and the few things it may change.</summary>
public sealed class TrainerContext
{
    internal TrainerContext(nn.Module<Tensor, Tensor> network, MetricLoss loss, OptimizerHelper optimizer, int epochs, int stepsPerEpoch, Device device)
    {
        Network = network;
        Loss = loss;
        Optimizer = optimizer;
        Epochs = epochs;
        StepsPerEpoch = stepsPerEpoch;
        Device = device;
    }

    /// <summary>The network being trained.</summary>
    public nn.Module<Tensor, Tensor> Network { get; }

    /// <summary>The loss (its parameters are trained too).</summary>
    public MetricLoss Loss { get; }

    /// <summary>The optimizer.</summary>
    public OptimizerHelper Optimizer { get; }

    /// <summary>The device the modules live on.</summary>
    public Device Device { get; }

    /// <summary>Epochs the run is configured for.</summary>
    public int Epochs { get; }

    /// <summary>Steps in each epoch.</summary>
    public int StepsPerEpoch { get; }

    /// <summary>The current epoch (0-based).</summary>
    public int Epoch { get; internal set; }

    /// <summary>Steps done in the current epoch.</summary>
    public int Step { get; internal set; }

    /// <summary>Optimizer steps since the start of training.</summary>
    public long GlobalStep { get; internal set; }

    /// <summary>The current epoch's metrics by key (<see cref="MetricKeys"/>); callbacks may add their own in
    /// <see cref="ITrainerCallback.OnValidationEnd"/>.</summary>
    public IDictionary<string, double> Metrics { get; internal set; } = new Dictionary<string, double>();

    /// <summary>The records of the finished epochs.</summary>
    public IReadOnlyList<EpochRecord> History { get; internal set; } = [];

    /// <summary>True once <see cref="StopTraining"/> was called: the run ends after the current epoch.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>The learning rate of the optimizer's first parameter group.</summary>
    public double LearningRate => Optimizer.ParamGroups.First().LearningRate;

    /// <summary>Ends the run after the current epoch (with its checkpoint), as early stopping does.</summary>
    public void StopTraining() => StopRequested = true;
}
