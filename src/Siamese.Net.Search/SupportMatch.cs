namespace Siamese.Net.Search;

/// <summary>A support class found for a query, with its distance under the index's metric and aggregation.</summary>
/// <param name="Label">The class label.</param>
/// <param name="Distance">Distance from the query to the class (nearest sample or prototype); smaller = more alike.</param>
public sealed record SupportMatch(string Label, double Distance);
