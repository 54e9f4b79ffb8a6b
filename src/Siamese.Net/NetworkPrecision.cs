namespace Siamese.Net;

/// <summary>The number format a <see cref="SiameseNetwork"/> computes in (see <see cref="SiameseNetwork.SetPrecision"/>).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Float32 is the number format's standard name, as in torch.float32.")]
public enum NetworkPrecision
{
    /// <summary>32-bit floats: PyTorch's default and the library's.</summary>
    Float32 = 1,

    /// <summary>
    /// bfloat16 weights and activations (8-bit mantissa, float32's range). About twice as fast on CPUs with native
    /// bfloat16 arithmetic (AVX512-BF16 or AMX; see <see cref="Native.TorchRuntime.CpuHasBFloat16"/>), slower on
    /// others. Embeddings differ from float32 by well under 1 % relative (see docs/performance.md); weights are kept in
    /// bfloat16 too (no float32 master copy), so optimiser updates much smaller than a weight's 1/256 are rounded away:
    /// this is for inference. To train in bfloat16, keep the network float32 and set
    /// <see cref="Training.SiameseTrainerOptions.Precision"/> to <see cref="Training.TrainingPrecision.MixedBFloat16"/>.
    /// </summary>
    BFloat16 = 2,
}
