namespace FaceSimilarity;

/// <summary>Which subjects the test holds out.</summary>
public enum FaceSplitKind
{
    /// <summary>The last 10 subjects (s31-s40 of AT&amp;T) are never trained on: 10-way 1-shot on them.</summary>
    Unseen,

    /// <summary>The tutorial's split: the last 3 subjects (s38-s40) are the test set.</summary>
    Tutorial,
}
