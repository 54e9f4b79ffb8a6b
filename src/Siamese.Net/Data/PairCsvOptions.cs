namespace Siamese.Net.Data;

/// <summary>How <see cref="PairCsv"/> reads a pairs file.</summary>
/// <param name="LabelConvention">What the label column's numbers mean; required, because files disagree.</param>
public sealed record PairCsvOptions(PairLabelConvention LabelConvention)
{
    /// <summary>
    /// Whether the first row is a header: true, false, or null (default) to detect it (a first row whose label cell
    /// is not a number is a header). Kaggle's <c>train_data.csv</c> has one, its <c>test_data.csv</c> does not.
    /// </summary>
    public bool? HasHeader { get; init; }

    /// <summary>
    /// Accept paths such as <c>../other/x.png</c> or absolute paths that resolve outside the image root. Off by
    /// default: a pairs file from elsewhere should not make the loader read arbitrary files.
    /// </summary>
    public bool AllowPathsOutsideRoot { get; init; }

    /// <summary>Check at load time that every referenced file exists (default true), so a bad row fails before training starts.</summary>
    public bool CheckFilesExist { get; init; } = true;
}
