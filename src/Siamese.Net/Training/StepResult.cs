using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>One optimizer step as callbacks see it. The tensors are valid only during the callback.</summary>
/// <param name="Loss">The step's loss (a scalar on the device; reading it synchronises).</param>
/// <param name="ActiveTuples">How many tuples had a non-zero loss (Int64 scalar on the device).</param>
/// <param name="Samples">Images in the batch.</param>
public sealed record StepResult(Tensor Loss, Tensor ActiveTuples, long Samples);
