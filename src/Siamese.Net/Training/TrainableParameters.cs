using TorchSharp.Modules;

namespace Siamese.Net.Training;

/// <summary>The parameters an optimizer factory receives (<see cref="SiameseTrainerOptions.Optimizer"/>).</summary>
/// <param name="Network">The network's trainable parameters, on the training device.</param>
/// <param name="Loss">The loss's trainable parameters (a BCE head, class proxies); empty for most losses.</param>
public sealed record TrainableParameters(IReadOnlyList<Parameter> Network, IReadOnlyList<Parameter> Loss)
{
    /// <summary>The network's parameters followed by the loss's.</summary>
    public IReadOnlyList<Parameter> All => [.. Network, .. Loss];
}
