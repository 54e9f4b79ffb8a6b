using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Data;

/// <summary>
/// What the trainer and every <see cref="MetricLoss"/> consume: the images of one batch, optionally their integer
/// class labels, and optionally index tuples into the batch that say which images form pairs or triplets. A pair
/// source yields 2N images with <see cref="PairTuples"/>, a triplet source 3N images with <see cref="TripletTuples"/>,
/// a P×K source images with labels (a miner then chooses the tuples), an episode its support and query images
/// with labels.
/// </summary>
public interface ITrainingBatch : IDisposable
{
    /// <summary>Images [N, C, H, W].</summary>
    Tensor Images { get; }

    /// <summary>Integer class ids [N] (only equality matters), or null when the batch has only tuples (pairs from a CSV).</summary>
    Tensor? Labels { get; }

    /// <summary>Pairs or triplets given by the source, or null to let the loss's miner (or all tuples of the labels) decide.</summary>
    IndexTuples? Tuples { get; }

    /// <summary>
    /// Images per class that validation treats as the support set when it scores N-way accuracy from labels: the
    /// first <c>SupportShots</c> images of each class in batch order are support, the rest are queries.
    /// </summary>
    int SupportShots => 1;

    /// <summary>Number of images.</summary>
    long Count => Images.shape[0];
}
