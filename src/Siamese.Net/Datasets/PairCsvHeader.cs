using Siamese.Net.Data;
namespace Siamese.Net.Datasets;

/// <summary>Whether the first row of a pairs CSV is a header (<see cref="PairCsvOptions.HasHeader"/>).</summary>
public enum PairCsvHeader
{
    /// <summary>
    /// Row 1 is a header only when it looks like one: its label cell is a known column name (<c>label</c>,
    /// <c>target</c>, <c>y</c>, <c>same</c>, <c>is_same</c>, <c>different</c>, <c>is_different</c>, <c>forged</c>,
    /// <c>is_forged</c>, <c>genuine</c>, <c>match</c>, <c>similar</c>; any case) and its two path cells have no file
    /// extension. Any other row 1 is data, so a malformed first row is an error naming row 1, never silently dropped.
    /// </summary>
    Auto = 0,

    /// <summary>Row 1 is a header and is skipped whatever it holds (Kaggle's <c>train_data.csv</c>).</summary>
    Present = 1,

    /// <summary>Row 1 is data (Kaggle's <c>test_data.csv</c>).</summary>
    Absent = 2,
}
