using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// Checks that every parameter, gradient and floating-point buffer of some modules is finite, before a checkpoint or
/// a best-weights snapshot is written: a finite loss does not prove finite weights (an overflowed BatchNorm
/// <c>running_var</c>, a NaN gradient about to be applied), and a saved NaN model is worse than no checkpoint.
/// </summary>
/// <remarks>
/// Cheap: the tests run on the tensors' device and their results are stacked into one small boolean tensor, so the
/// whole check costs one device-to-host synchronisation, whatever the number of tensors.
/// </remarks>
internal static class ModuleHealth
{
    /// <summary>The first non-finite tensor found, or null when all are finite.</summary>
    /// <param name="modules">The modules with the names used in the report (e.g. "network", "loss").</param>
    public static NonFiniteTensor? FindNonFinite(IReadOnlyList<(string Name, nn.Module Module)> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        using var scope = torch.NewDisposeScope();
        var labels = new List<NonFiniteTensor>();
        var flags = new List<Tensor>();
        Device? device = null;
        void Add(Tensor tensor, string module, string name, string kind)
        {
            if (!torch.is_floating_point(tensor) && !tensor.is_complex())
            {
                return; // integer buffers (BatchNorm's num_batches_tracked) cannot be non-finite
            }

            device ??= tensor.device;
            var finite = torch.isfinite(tensor.detach()).all();
            flags.Add(finite.device == device ? finite : finite.to(device));
            labels.Add(new NonFiniteTensor(module, name, kind));
        }

        using (torch.no_grad())
        {
            foreach (var (moduleName, module) in modules)
            {
                foreach (var (name, parameter) in module.named_parameters())
                {
                    Add(parameter, moduleName, name, "parameter");
                    var grad = parameter.grad;
                    if (grad is not null)
                    {
                        Add(grad, moduleName, name, "gradient");
                    }
                }

                foreach (var (name, buffer) in module.named_buffers())
                {
                    Add(buffer, moduleName, name, "buffer");
                }
            }

            if (flags.Count == 0)
            {
                return null;
            }

            // One transfer for all tensors.
            var all = torch.stack(flags.ToArray()).cpu();
            var values = all.data<bool>().ToArray();
            int bad = Array.IndexOf(values, false);
            return bad < 0 ? null : labels[bad];
        }
    }

    /// <summary>As <see cref="FindNonFinite(IReadOnlyList{ValueTuple{string, nn.Module}})"/>, naming the modules "network", then "loss", then "module i".</summary>
    public static NonFiniteTensor? FindNonFinite(IReadOnlyList<nn.Module> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        return FindNonFinite(modules.Select((m, i) => (i switch { 0 => "network", 1 => "loss", _ => $"module {i}" }, m)).ToArray());
    }
}
