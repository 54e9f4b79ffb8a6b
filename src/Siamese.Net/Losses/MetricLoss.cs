using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// A loss over a batch of class-labelled embeddings (pairs or triplets are formed inside the batch, e.g. by a miner).
/// </summary>
public abstract class MetricLoss : nn.Module
{
    /// <summary>Initialises the module with its name.</summary>
    /// <param name="name">Module name.</param>
    protected MetricLoss(string name) : base(name)
    {
    }

    /// <summary>Computes the loss of a batch.</summary>
    /// <param name="embeddings">Embeddings [N, D].</param>
    /// <param name="classIds">Integer class ids [N]; equal ids mean the same identity.</param>
    /// <returns>A scalar, or one loss per formed tuple with <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentException">Shapes do not match.</exception>
    public abstract Tensor Compute(Tensor embeddings, Tensor classIds);
}
