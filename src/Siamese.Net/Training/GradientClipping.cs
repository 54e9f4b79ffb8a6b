using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// The trainer's global-norm gradient clipping, on the device (no synchronisation): the norm is also what the loop
/// checks for NaN/Inf after every step.
/// </summary>
internal static class GradientClipping
{
    /// <summary>The global L2 norm of all gradients, on the device (null when no parameter has a gradient).</summary>
    public static Tensor? GlobalNorm(IReadOnlyList<Parameter> parameters)
    {
        var grads = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
        if (grads.Count == 0)
        {
            return null;
        }

        using (no_grad())
        {
            return linalg.vector_norm(stack(grads.Select(g => linalg.vector_norm(g))));
        }
    }

    /// <summary>Scales all gradients so that their global L2 norm is at most <paramref name="maxNorm"/>.</summary>
    public static void Clip(IReadOnlyList<Parameter> parameters, Tensor norm, double maxNorm)
    {
        using (no_grad())
        {
            var coefficient = (norm + 1e-6).reciprocal().mul(maxNorm).clamp_max(1.0);
            foreach (var p in parameters)
            {
                p.grad?.mul_(coefficient);
            }
        }
    }
}
