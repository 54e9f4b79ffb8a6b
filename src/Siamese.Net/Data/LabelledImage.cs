namespace Siamese.Net.Data;

/// <summary>An image file and the index of its class in its dataset.</summary>
/// <param name="Path">Full path of the image.</param>
/// <param name="ClassId">Index into the dataset's class names.</param>
public sealed record LabelledImage(string Path, int ClassId);
