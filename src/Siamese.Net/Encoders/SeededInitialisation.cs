using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Encoders;

/// <summary>
/// Re-draws a module's initial weights from a private generator with PyTorch's default initialisation, so the
/// weights depend on the seed alone (not on torch's global generator, which other threads may be drawing from).
/// </summary>
internal static class SeededInitialisation
{
    /// <summary>Initialises every parameter of <paramref name="module"/> from <paramref name="seed"/>.</summary>
    /// <exception cref="NotSupportedException">A parameter belongs to a layer type without a known default initialisation.</exception>
    public static void Apply(nn.Module module, int seed)
    {
        using var generator = new Generator(unchecked((ulong)seed)); // as torch.manual_seed maps negative seeds
        using var noGrad = no_grad();
        foreach (var (name, child) in module.named_modules())
        {
            switch (child)
            {
                case Linear or Conv1d or Conv2d or Conv3d:
                    // reset_parameters() of torch.nn.Linear / _ConvNd: kaiming_uniform_(a = sqrt(5)) gives the bound
                    // gain * sqrt(3 / fan_in) with gain = sqrt(2 / (1 + 5)), i.e. 1 / sqrt(fan_in); the bias uses the same.
                    var own = child.named_parameters(recurse: false).ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
                    var weight = own["weight"];
                    long fanIn = weight.numel() / weight.shape[0];
                    double bound = fanIn > 0 ? 1.0 / Math.Sqrt(fanIn) : 0;
                    weight.uniform_(-bound, bound, generator);
                    if (own.TryGetValue("bias", out var bias))
                    {
                        bias.uniform_(-bound, bound, generator);
                    }

                    break;
                case BatchNorm1d or BatchNorm2d or BatchNorm3d or LayerNorm or GroupNorm or InstanceNorm1d or InstanceNorm2d or InstanceNorm3d:
                    // PyTorch's reset_parameters() of every normalisation layer: weight 1, bias 0 (running statistics
                    // are buffers and stay). Set explicitly: TorchSharp 0.107 leaves GroupNorm's weight undefined.
                    foreach (var (normName, parameter) in child.named_parameters(recurse: false))
                    {
                        if (normName == "weight")
                        {
                            parameter.fill_(1.0);
                        }
                        else
                        {
                            parameter.zero_();
                        }
                    }

                    break;
                default:
                    if (child.named_parameters(recurse: false).FirstOrDefault() is ({ } parameterName, _))
                    {
                        throw new NotSupportedException(
                            $"Seeded initialisation does not know the default initialisation of '{name}' ({child.GetType().Name}, parameter '{parameterName}'); " +
                            "set EncoderOptions.Seed to null and seed torch's generator instead.");
                    }

                    break;
            }
        }
    }
}
