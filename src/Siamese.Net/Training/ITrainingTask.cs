using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// What <see cref="SiameseTrainer"/> needs to know about a kind of training (pairs with a pair loss, labelled batches
/// with a metric loss): the modules it trains and saves, the loss of a batch, and how to validate.
/// </summary>
/// <typeparam name="TBatch">The training batch type.</typeparam>
/// <typeparam name="TValidation">The validation batch type.</typeparam>
internal interface ITrainingTask<in TBatch, in TValidation>
    where TBatch : IDisposable
    where TValidation : IDisposable
{
    /// <summary>
    /// The modules whose parameters are trained and whose state is checkpointed, in a fixed order: the network first,
    /// then the loss (a BCE head has parameters; a parameterless loss saves an empty state).
    /// </summary>
    IReadOnlyList<nn.Module> Modules { get; }

    /// <summary>The kind of validation metrics the task reports.</summary>
    ValidationKind ValidationKind { get; }

    /// <summary>Number of samples (pairs or images) in a batch.</summary>
    long Count(TBatch batch);

    /// <summary>The scalar training loss of a batch (forward pass with autograd, in train mode).</summary>
    Tensor Loss(TBatch batch, Device device);

    /// <summary>A fresh accumulator for one validation pass (called under no_grad, in eval mode).</summary>
    IValidationPass<TValidation> BeginValidation();
}

/// <summary>The kind of validation a task reports.</summary>
internal enum ValidationKind
{
    /// <summary>Loss, ROC AUC, EER and best-threshold accuracy of scored pairs.</summary>
    Pairs,

    /// <summary>Loss and N-way accuracy of episodes.</summary>
    Episodes,
}

/// <summary>Accumulates one validation pass.</summary>
/// <typeparam name="TBatch">The batch type.</typeparam>
internal interface IValidationPass<in TBatch>
{
    /// <summary>Adds a batch (called under no_grad, inside a dispose scope).</summary>
    void Add(TBatch batch, Device device);

    /// <summary>The metrics of all batches added.</summary>
    ValidationMetrics Complete();
}
