namespace Siamese.Net.Samples.Common.Data;

/// <summary>Where a sample reads a data set from.</summary>
/// <param name="Path">Full path of the data folder.</param>
/// <param name="IsEmbedded">True for the generated default set, false for real data named on the command line.</param>
public sealed record DataLocation(string Path, bool IsEmbedded);
