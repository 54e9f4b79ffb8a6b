namespace Siamese.Net.Samples.Common.Synthetic;

/// <summary>A point in pixel coordinates (x to the right, y downwards).</summary>
internal readonly record struct PointD(double X, double Y);
