namespace Siamese.Net;

/// <summary>
/// Whether the two items of a pair show the same identity (class, writer, person) or different ones.
/// </summary>
/// <remarks>
/// Tutorials and data sets disagree on whether 0 or 1 means "same" (the Kaggle <c>sign_data</c> CSV uses 1 for a
/// forgery, i.e. a different pair). The library never takes a bare number for a label: file formats are converted
/// to this type once, where they are read, with the convention stated by the caller. The members deliberately have
/// no 0/1 values, so that <c>default(PairLabel)</c> is not a valid label and a cast from a file's number fails loudly.
/// </remarks>
public enum PairLabel
{
    /// <summary>Both items belong to the same identity (a genuine pair).</summary>
    Same = 1,

    /// <summary>The items belong to different identities (an impostor or forged pair).</summary>
    Different = 2,
}
