using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Losses;

/// <summary>
/// A loss over pairs of embeddings with typed targets (same / different). It is a <see cref="torch.nn.Module"/> so
/// that a loss with trainable parameters (<see cref="BceHeadLoss"/>) is moved, saved and optimised with the network.
/// </summary>
public abstract class PairLoss : nn.Module
{
    /// <summary>Initialises the module with its name.</summary>
    /// <param name="name">Module name.</param>
    protected PairLoss(string name) : base(name)
    {
    }

    /// <summary>Computes the loss of a batch of pairs.</summary>
    /// <param name="first">Embeddings of the first items [N, D].</param>
    /// <param name="second">Embeddings of the second items [N, D].</param>
    /// <param name="targets">Whether each pair is a same pair.</param>
    /// <returns>A scalar, or [N] with <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentException">Shapes do not match.</exception>
    public abstract Tensor Compute(Tensor first, Tensor second, PairTargets targets);
}
