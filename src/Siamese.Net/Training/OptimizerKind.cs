namespace Siamese.Net.Training;

/// <summary>The optimizer <see cref="SiameseTrainer"/> builds over the trainable parameters of the network and loss.</summary>
public enum OptimizerKind
{
    /// <summary>
    /// Adam with L2 weight decay added to the gradient (PyTorch <c>torch.optim.Adam</c>), as the Siamese tutorials use
    /// (learning rate 1e-3, weight decay 5e-4).
    /// </summary>
    Adam = 1,

    /// <summary>Adam with decoupled weight decay (PyTorch <c>torch.optim.AdamW</c>).</summary>
    AdamW = 2,

    /// <summary>Stochastic gradient descent with (heavy-ball) momentum and L2 weight decay.</summary>
    Sgd = 3,
}
