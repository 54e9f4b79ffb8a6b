using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// Mixed-precision training of one network without autocast (TorchSharp 0.107 has none): the network itself becomes
/// the bfloat16 working copy, and this module holds the float32 master weights the optimizer, clipping, NaN checks,
/// checkpoints and best-weights snapshots see.
/// </summary>
/// <remarks>
/// <para>Every leaf module with floating-point parameters is converted to bfloat16 (convolutions, linear layers and
/// anything else), except normalisation layers (BatchNorm, LayerNorm, GroupNorm, InstanceNorm), which keep their
/// float32 parameters and statistics: libtorch's CPU kernels take a bfloat16 input with float32 affine parameters and
/// running statistics, and a running variance accumulated in bfloat16 would drift. For those the master is the
/// network's own parameter. Parameter-free layers (ReLU, pooling, the library's LRN) run in the type of their input.</para>
/// <para>Each step: the batch is cast to bfloat16 on the way in and the embeddings to float32 on the way out (the loss
/// and its reductions run in float32); after backward <see cref="CopyGradientsToMasters"/> copies the bfloat16
/// gradients into the masters' float32 gradients; after the optimizer step <see cref="RefreshWorkingWeights"/>
/// rounds the masters into the bfloat16 weights. An update far below a weight's bfloat16 resolution (1/256 of it)
/// therefore accumulates in the master instead of being rounded away.</para>
/// <para>The state dict has the network's keys with the masters in place of the bfloat16 weights, so checkpoints hold
/// float32 masters: they load into the float32 network (<see cref="TrainingCheckpoint.LoadWeights"/>), and a resume
/// is bit-exact. Loading a state refreshes the working weights. <see cref="Dispose(bool)"/> turns the network back
/// into float32 holding the masters' values, so after <c>Fit</c> the caller's network is a plain float32 network.</para>
/// </remarks>
internal sealed class MixedPrecisionNetwork : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly List<Converted> _converted = [];
    private readonly Dictionary<string, Parameter> _masterByKey = new(StringComparer.Ordinal);
    private bool _restored;

    public MixedPrecisionNetwork(nn.Module<Tensor, Tensor> network) : base(nameof(MixedPrecisionNetwork))
    {
        _network = network;
        // Deliberately no RegisterComponents: the network's tensors must not become this module's (its Dispose would
        // free them); parameters and the state dict are served by the overrides below.
        var modules = new List<(string Path, nn.Module Module)> { (string.Empty, network) };
        modules.AddRange(network.named_modules());
        foreach (var (path, module) in modules)
        {
            var own = module.named_parameters(recurse: false).Where(p => p.parameter.is_floating_point()).ToList();
            if (own.Count == 0 || IsNormalisation(module))
            {
                continue;
            }

            if (module.named_children().Any())
            {
                throw new NotSupportedException(
                    $"Mixed-precision training converts leaf modules to bfloat16, but '{(path.Length == 0 ? module.GetType().Name : path)}' ({module.GetType().Name}) " +
                    "holds parameters of its own and also has submodules. Move its parameters into a submodule of their own, or train in float32.");
            }

            var masters = new Dictionary<string, Parameter>(StringComparer.Ordinal);
            using (no_grad())
            {
                foreach (var (name, parameter) in own)
                {
                    var master = new Parameter(parameter.detach().clone(), requires_grad: parameter.requires_grad);
                    master.DetachFromDisposeScope();
                    masters[name] = master;
                    _masterByKey[path.Length == 0 ? name : $"{path}.{name}"] = master;
                }
            }

            // Replaces (and frees) the module's float32 parameters by bfloat16 ones; the masters are separate clones.
            module.to(ScalarType.BFloat16);
            var working = module.named_parameters(recurse: false).ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
            _converted.Add(new Converted(module, masters.Select(kv => (kv.Value, working[kv.Key], kv.Key)).ToArray()));
        }
    }

    /// <summary>The network being trained (its converted layers hold the bfloat16 working weights).</summary>
    public nn.Module<Tensor, Tensor> Network => _network;

    /// <summary>The name a checkpoint records for a module: the trained network's type for a mixed-precision wrapper.</summary>
    public static string CheckpointTypeName(nn.Module module) =>
        (module is MixedPrecisionNetwork mixed ? mixed._network.GetType() : module.GetType()).FullName!;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.is_floating_point() && input.dtype != ScalarType.BFloat16 ? input.to_type(ScalarType.BFloat16) : input;
        // .call: hooks the user registered on the network still run.
        var output = _network.call(x);
        var result = output.is_floating_point() && output.dtype != ScalarType.Float32 ? output.to_type(ScalarType.Float32) : output;
        return result.MoveToOuterDisposeScope();
    }

    public override void train(bool train = true)
    {
        base.train(train);
        _network.train(train);
    }

    public override IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true)
    {
        if (_restored)
        {
            yield break;
        }

        foreach (var (name, parameter) in _network.named_parameters(recurse))
        {
            yield return (name, _masterByKey.TryGetValue(name, out var master) ? master : parameter);
        }
    }

    public override IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true, bool include_nonpersistent = true) =>
        _restored ? [] : _network.named_buffers(recurse, include_nonpersistent);

    public override Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null)
    {
        destination ??= new Dictionary<string, Tensor>();
        foreach (var (key, tensor) in _network.state_dict())
        {
            string name = string.IsNullOrEmpty(prefix) ? key : $"{prefix}.{key}";
            destination.TryAdd(name, _masterByKey.TryGetValue(key, out var master) ? master : tensor);
        }

        return destination;
    }

    public override (IList<string> missing_keys, IList<string> unexpected_keyes) load_state_dict(Dictionary<string, Tensor> source, bool strict = true, IList<string>? skip = null)
    {
        var result = base.load_state_dict(source, strict, skip);
        RefreshWorkingWeights();
        return result;
    }

    public override nn.Module load(BinaryReader reader, bool strict = true, IList<string>? skip = null, Dictionary<string, bool>? loadedParameters = null)
    {
        var result = base.load(reader, strict, skip, loadedParameters);
        RefreshWorkingWeights();
        return result;
    }

    /// <summary>Copies the bfloat16 gradients of the working weights into the masters' float32 gradients and clears them.</summary>
    public void CopyGradientsToMasters()
    {
        using var scope = NewDisposeScope();
        foreach (var converted in _converted)
        {
            foreach (var (master, working, _) in converted.Pairs)
            {
                var grad = working.grad;
                if (grad is null)
                {
                    continue;
                }

                var masterGrad = master.grad;
                if (masterGrad is null)
                {
                    master.grad = grad.to_type(ScalarType.Float32);
                }
                else
                {
                    masterGrad.copy_(grad);
                }

                // backward accumulates: the next step must start from zero.
                grad.zero_();
            }
        }
    }

    /// <summary>Rounds the float32 masters into the bfloat16 working weights (after a step or a load).</summary>
    public void RefreshWorkingWeights()
    {
        if (_restored)
        {
            return;
        }

        using var _ = no_grad();
        foreach (var converted in _converted)
        {
            foreach (var (master, working, _) in converted.Pairs)
            {
                working.copy_(master);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_restored)
        {
            RestoreFloat32();
        }

        base.Dispose(disposing);
    }

    /// <summary>Turns the converted layers back into float32 holding the masters' values, and frees the masters.</summary>
    private void RestoreFloat32()
    {
        using (no_grad())
        {
            foreach (var converted in _converted)
            {
                converted.Module.to(ScalarType.Float32);
                var restored = converted.Module.named_parameters(recurse: false).ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
                foreach (var (master, _, name) in converted.Pairs)
                {
                    var parameter = restored[name];
                    parameter.copy_(master);
                    parameter.grad = null;
                    master.Dispose();
                }
            }
        }

        _masterByKey.Clear();
        _converted.Clear();
        _restored = true;
    }

    private static bool IsNormalisation(nn.Module module) =>
        module is BatchNorm1d or BatchNorm2d or BatchNorm3d or LayerNorm or GroupNorm or InstanceNorm1d or InstanceNorm2d or InstanceNorm3d;

    private sealed record Converted(nn.Module Module, (Parameter Master, Parameter Working, string Name)[] Pairs);
}
