using Siamese.Net.Native;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// The number formats a <see cref="SiameseTrainer"/> trains in (<see cref="SiameseTrainerOptions.Precision"/>): plain
/// <see cref="Float32"/>, or <see cref="MixedBFloat16"/> (float32 master weights, bfloat16 forward and backward).
/// </summary>
/// <remarks>
/// A strategy object rather than an enum, like the optimizer and scheduler factories. TorchSharp 0.107 has no
/// autocast; <see cref="MixedBFloat16"/> is the library's own implementation of the same recipe (see
/// docs/performance.md for its speed and the accuracy measured against float32).
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Float32 is the number format's standard name, as in torch.float32.")]
public abstract class TrainingPrecision
{
    private protected TrainingPrecision()
    {
    }

    /// <summary>Everything in float32: weights, activations, gradients, optimizer state. The default.</summary>
    public static TrainingPrecision Float32 { get; } = new Float32Training();

    /// <summary>
    /// Mixed precision with bfloat16 compute, as PyTorch's <c>torch.autocast(dtype=torch.bfloat16)</c> with float32
    /// master weights: the network's convolutions, linear layers and every other parametrised layer except
    /// normalisation layers compute in bfloat16 (forward and backward; the library's
    /// <see cref="Encoders.FastLocalResponseNorm"/> has bfloat16 kernels), normalisation layers keep float32 parameters
    /// and statistics, and the loss, its reductions, gradient clipping, the NaN/Inf checks and the optimizer step
    /// (with its state) work on float32 master weights. Gradients are copied into float32 after backward; the
    /// masters are rounded into the bfloat16 weights after each step, so updates smaller than a weight's bfloat16
    /// resolution (about 1/256 of it) accumulate instead of being lost. Checkpoints hold the float32 masters (a resume is
    /// bit-exact, and they load into a float32 network), and after <c>Fit</c> the network is float32 again.
    /// </summary>
    /// <remarks>
    /// About 1.8x faster than float32 for SigNet-sized convolutions on CPUs with native bfloat16 arithmetic
    /// (AVX512-BF16 or AMX, <see cref="TorchRuntime.CpuHasBFloat16"/>); much slower on CPUs without it, where bfloat16
    /// is emulated. There is no loss scaling: bfloat16 has float32's exponent range, so gradients do not underflow.
    /// The network must not hold parameters in a module that also has submodules (a <see cref="NotSupportedException"/>
    /// names it).
    /// </remarks>
    public static TrainingPrecision MixedBFloat16 { get; } = new MixedBFloat16Training();

    /// <summary><see cref="MixedBFloat16"/> where the CPU has native bfloat16 arithmetic (<see cref="TorchRuntime.CpuHasBFloat16"/>), else <see cref="Float32"/>.</summary>
    public static TrainingPrecision Auto => TorchRuntime.CpuHasBFloat16 ? MixedBFloat16 : Float32;

    /// <summary>A short name for logs ("float32", "mixed-bfloat16").</summary>
    public abstract string Name { get; }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>The module the trainer trains in place of <paramref name="network"/>, or null to train it as it is.</summary>
    internal abstract MixedPrecisionNetwork? Wrap(nn.Module<Tensor, Tensor> network);

    private sealed class Float32Training : TrainingPrecision
    {
        public override string Name => "float32";

        internal override MixedPrecisionNetwork? Wrap(nn.Module<Tensor, Tensor> network) => null;
    }

    private sealed class MixedBFloat16Training : TrainingPrecision
    {
        public override string Name => "mixed-bfloat16";

        internal override MixedPrecisionNetwork? Wrap(nn.Module<Tensor, Tensor> network) => new(network);
    }
}
