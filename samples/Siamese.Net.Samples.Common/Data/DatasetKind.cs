namespace Siamese.Net.Samples.Common.Data;

/// <summary>The real data sets the samples read, each in its published layout.</summary>
public enum DatasetKind
{
    /// <summary>Kaggle <c>sign_data</c>: <c>train/</c>, <c>train_data.csv</c>, optionally <c>test/</c> and <c>test_data.csv</c>.</summary>
    Signatures,

    /// <summary>AT&amp;T (ORL) faces: <c>sN/K.pgm</c>.</summary>
    AttFaces,

    /// <summary>Omniglot background (or evaluation) set: <c>Alphabet/characterNN/XXXX_YY.png</c>.</summary>
    OmniglotAlphabets,

    /// <summary>Lake's one-shot runs: <c>runNN/training</c>, <c>runNN/test</c>, <c>runNN/class_labels.txt</c>.</summary>
    OmniglotRuns,
}
