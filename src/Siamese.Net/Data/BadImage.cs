namespace Siamese.Net.Data;

/// <summary>One image of a data set that cannot be used, found by <see cref="DatasetVerifier"/>.</summary>
/// <param name="Path">The image file.</param>
/// <param name="Reason">What is wrong, as the decoder or the file system said it (it names the file).</param>
public sealed record BadImage(string Path, string Reason);
