namespace Siamese.Net.Samples.Common.Synthetic;

/// <summary>What a generator wrote.</summary>
/// <param name="Root">The folder holding the data set, in the real data set's layout.</param>
/// <param name="ClassCount">Writers, subjects or characters written.</param>
/// <param name="ImageCount">Image files written.</param>
/// <param name="PairCount">Labelled pairs written to CSV files (0 where the layout has none).</param>
public sealed record GeneratedDataset(string Root, int ClassCount, int ImageCount, int PairCount = 0);
