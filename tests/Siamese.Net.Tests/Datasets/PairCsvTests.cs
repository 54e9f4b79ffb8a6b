using Siamese.Net.Data;
using Siamese.Net.Tests.TestSupport;
using Siamese.Net.Datasets;

namespace Siamese.Net.Tests.Datasets;

public sealed class PairCsvTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _root;

    public PairCsvTests()
    {
        _root = _dir.Combine("train");
        TestDatasets.WriteFolders(_root, [2, 2], ext: "png");
        // sign_data style: genuine folder and a forgery folder with upper-case extension.
        Directory.CreateDirectory(Path.Combine(_root, "c00_forg"));
        File.WriteAllBytes(Path.Combine(_root, "c00_forg", "01.PNG"), TestDatasets.Image(8, 8, 200, "png"));
    }

    public void Dispose() => _dir.Dispose();

    private string Csv(string content)
    {
        var path = _dir.Combine(Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Kaggle_sign_data_layout_with_header_one_means_different()
    {
        var csv = Csv("img1,img2,target\nc00/00.png,c00_forg/01.PNG,1\nc00/00.png,c00/01.png,0\n");
        var pairs = PairCsv.Read(csv, _root, new PairCsvOptions(PairLabelConvention.OneMeansDifferent));
        pairs.Should().HaveCount(2);
        pairs[0].Label.Should().Be(PairLabel.Different);
        pairs[1].Label.Should().Be(PairLabel.Same);
        pairs[0].First.Should().Be(Path.Combine(_root, "c00", "00.png"));
        pairs[0].Second.Should().Be(Path.Combine(_root, "c00_forg", "01.PNG"));
    }

    [Fact]
    public void Headerless_file_with_the_opposite_convention()
    {
        var csv = Csv("c00/00.png,c00/01.png,1\r\nc00/00.png,c01/00.png,0\r\n\r\n");
        var pairs = PairCsv.Read(csv, _root, new PairCsvOptions(PairLabelConvention.OneMeansSame));
        pairs.Select(p => p.Label).Should().Equal(PairLabel.Same, PairLabel.Different);
    }

    [Fact]
    public void Stated_header_absence_makes_a_header_row_an_error_naming_row_and_column()
    {
        var csv = Csv("img1,img2,target\nc00/00.png,c00/01.png,0\n");
        var act = () => PairCsv.Read(csv, _root, new PairCsvOptions(PairLabelConvention.OneMeansDifferent) { HasHeader = PairCsvHeader.Absent });
        act.Should().Throw<InvalidDataException>().WithMessage("*row 1 column 3 (label)*'target'*0 = same, 1 = different*");
    }

    [Fact]
    public void Too_few_columns_names_the_row()
    {
        var csv = Csv("img1,img2,target\nc00/00.png,c00/01.png,0\nc00/00.png,1\n");
        var act = () => PairCsv.Read(csv, _root, new PairCsvOptions(PairLabelConvention.OneMeansDifferent));
        act.Should().Throw<InvalidDataException>().WithMessage("*row 3: expected 3 columns*found 2*");
    }

    [Fact]
    public void Label_outside_the_convention_names_row_and_column()
    {
        var csv = Csv("c00/00.png,c00/01.png,0\nc00/00.png,c01/01.png,2\n");
        var act = () => PairCsv.Read(csv, _root, new PairCsvOptions(PairLabelConvention.OneMeansDifferent));
        act.Should().Throw<InvalidDataException>().WithMessage("*row 2 column 3 (label): '2'*");
    }

    [Fact]
    public void Missing_file_names_row_column_and_path()
    {
        var csv = Csv("c00/00.png,c01/09.png,1\n");
        var act = () => PairCsv.Read(csv, _root, new PairCsvOptions(PairLabelConvention.OneMeansDifferent));
        act.Should().Throw<FileNotFoundException>().WithMessage("*row 1 column 2 (img2)*c01/09.png*");
    }

    [Fact]
    public void Path_differing_only_in_case_says_so()
    {
        var csv = Csv("c00/00.png,c00_forg/01.png,1\n");
        var act = () => PairCsv.Read(csv, _root, new PairCsvOptions(PairLabelConvention.OneMeansDifferent));
        act.Should().Throw<FileNotFoundException>().WithMessage("*row 1 column 2*differs only in letter case*01.PNG*");
    }

    [Fact]
    public void Path_escaping_the_root_is_rejected_unless_allowed()
    {
        File.WriteAllBytes(_dir.Combine("outside.png"), TestDatasets.Image(8, 8, 1, "png"));
        var csv = Csv("c00/00.png,../outside.png,1\n");
        var act = () => PairCsv.Read(csv, _root, new PairCsvOptions(PairLabelConvention.OneMeansDifferent));
        act.Should().Throw<InvalidDataException>().WithMessage("*row 1 column 2*outside the dataset root*AllowPathsOutsideRoot*");

        var pairs = PairCsv.Read(csv, _root, new PairCsvOptions(PairLabelConvention.OneMeansDifferent) { AllowPathsOutsideRoot = true });
        pairs[0].Second.Should().Be(_dir.Combine("outside.png"));
    }

    [Fact]
    public void Quoted_cells_and_backslashes_are_understood()
    {
        Directory.CreateDirectory(Path.Combine(_root, "a,b"));
        File.Copy(Path.Combine(_root, "c00", "00.png"), Path.Combine(_root, "a,b", "x.png"));
        var csv = Csv("\"a,b/x.png\",c00\\01.png,0\n");
        var pairs = PairCsv.Read(csv, _root, new PairCsvOptions(PairLabelConvention.OneMeansDifferent));
        pairs[0].First.Should().EndWith(Path.Combine("a,b", "x.png"));
        pairs[0].Second.Should().Be(Path.Combine(_root, "c00", "01.png"));
    }

    [Fact]
    public void Empty_file_and_contradictory_convention_are_rejected()
    {
        var empty = Csv("img1,img2,target\n");
        FluentActions.Invoking(() => PairCsv.Read(empty, _root, new PairCsvOptions(PairLabelConvention.OneMeansDifferent)))
            .Should().Throw<InvalidDataException>().WithMessage("*no pairs*");
        FluentActions.Invoking(() => PairCsv.Read(empty, _root, new PairCsvOptions(new PairLabelConvention(1, 1))))
            .Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => PairCsv.Read(_dir.Combine("none.csv"), _root, new PairCsvOptions(PairLabelConvention.OneMeansDifferent)))
            .Should().Throw<FileNotFoundException>().WithMessage("*none.csv*");
    }

    [Fact]
    public void Convention_round_trips_labels()
    {
        var c = PairLabelConvention.OneMeansDifferent;
        c.ToValue(PairLabel.Different).Should().Be(1);
        c.TryParse(" 0 ", out var label).Should().BeTrue();
        label.Should().Be(PairLabel.Same);
        c.TryParse("1.0", out _).Should().BeFalse();
    }
}
