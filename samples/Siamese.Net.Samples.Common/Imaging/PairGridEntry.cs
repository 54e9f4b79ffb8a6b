namespace Siamese.Net.Samples.Common.Imaging;

/// <summary>One row of a pair grid: two pictures, the model's distance and verdict, and the truth when known.</summary>
/// <param name="First">Left picture.</param>
/// <param name="Second">Right picture.</param>
/// <param name="Distance">The model's distance (or dissimilarity) for the pair.</param>
/// <param name="PredictedSame">The verdict at the calibrated threshold: true = "same", false = "different".</param>
/// <param name="ActuallySame">The ground truth when known; the verdict is then coloured green when right, red when wrong.</param>
/// <param name="Caption">An optional extra line, e.g. file names or "genuine vs forged".</param>
public sealed record PairGridEntry(GrayImage First, GrayImage Second, double Distance, bool PredictedSame, bool? ActuallySame = null, string? Caption = null);
