namespace Siamese.Net.Data;

/// <summary>Two image files and whether they show the same identity.</summary>
/// <param name="First">Full path of the first image.</param>
/// <param name="Second">Full path of the second image.</param>
/// <param name="Label">Same or different.</param>
public sealed record ImagePair(string First, string Second, PairLabel Label);
