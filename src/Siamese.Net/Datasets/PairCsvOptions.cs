using Siamese.Net.Data;
namespace Siamese.Net.Datasets;

/// <summary>How <see cref="PairCsv"/> reads a pairs file.</summary>
/// <param name="LabelConvention">What the label column's numbers mean; required, because files disagree.</param>
public sealed record PairCsvOptions(PairLabelConvention LabelConvention)
{
    private readonly PairCsvHeader _hasHeader = PairCsvHeader.Auto;

    /// <summary>
    /// Whether the first row is a header (default <see cref="PairCsvHeader.Auto"/>: only when it matches the expected
    /// column names; see there). Kaggle's <c>train_data.csv</c> has one (<c>img1,img2,target</c>), its
    /// <c>test_data.csv</c> does not.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined <see cref="PairCsvHeader"/>.</exception>
    public PairCsvHeader HasHeader
    {
        get => _hasHeader;
        init => _hasHeader = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(HasHeader), value, "Unknown PairCsvHeader.");
    }

    /// <summary>
    /// Accept paths such as <c>../other/x.png</c> or absolute paths that resolve outside the image root. Off by
    /// default: a pairs file from elsewhere should not make the loader read arbitrary files.
    /// </summary>
    public bool AllowPathsOutsideRoot { get; init; }

    /// <summary>Check at load time that every referenced file exists (default true), so a bad row fails before training starts.</summary>
    public bool CheckFilesExist { get; init; } = true;
}
