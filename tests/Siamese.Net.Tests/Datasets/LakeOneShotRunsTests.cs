using Siamese.Net.Data;
using Siamese.Net.Tests.TestSupport;
using Siamese.Net.Datasets;

namespace Siamese.Net.Tests.Datasets;

public sealed class LakeOneShotRunsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Writes runNN with <paramref name="ways"/> classes; query k belongs to class (k * 3) % ways.</summary>
    private void WriteRun(int run, int ways, bool rootRelativeLabels = true)
    {
        string name = $"run{run:D2}";
        Directory.CreateDirectory(_dir.Combine(name, "training"));
        Directory.CreateDirectory(_dir.Combine(name, "test"));
        var lines = new List<string>();
        for (int c = 1; c <= ways; c++)
        {
            File.WriteAllBytes(_dir.Combine(name, "training", $"class{c:D2}.png"), TestDatasets.Image(8, 8, TestDatasets.Level(c, 0), "png"));
        }

        for (int k = 1; k <= ways; k++)
        {
            int target = ((k * 3) % ways) + 1;
            File.WriteAllBytes(_dir.Combine(name, "test", $"item{k:D2}.png"), TestDatasets.Image(8, 8, TestDatasets.Level(target, 1), "png"));
            string prefix = rootRelativeLabels ? name + "/" : string.Empty;
            lines.Add($"{prefix}test/item{k:D2}.png {prefix}training/class{target:D2}.png");
        }

        File.WriteAllLines(_dir.Combine(name, "class_labels.txt"), lines);
    }

    [Fact]
    public void Loads_runs_and_maps_each_query_to_its_support_class()
    {
        WriteRun(2, 5);
        WriteRun(1, 5, rootRelativeLabels: false);
        File.WriteAllText(_dir.Combine("README.txt"), "not a run");
        var runs = LakeOneShotRuns.Load(_dir.Path);
        runs.Select(r => r.Name).Should().Equal("run01", "run02");
        foreach (var run in runs)
        {
            run.SupportPaths.Should().HaveCount(5);
            run.QueryTargets.Should().Equal(Enumerable.Range(1, 5).Select(k => (k * 3) % 5));
        }

        using var episode = runs[0].Load(new ImageStore(TestDatasets.Small));
        episode.Ways.Should().Be(5);
        episode.ClassNames.Should().Equal("class01", "class02", "class03", "class04", "class05");
        var support = episode.Support.mean(new long[] { 1, 2, 3 }).data<float>().ToArray().Select(TestDatasets.Identify).ToArray();
        var query = episode.Query.mean(new long[] { 1, 2, 3 }).data<float>().ToArray().Select(TestDatasets.Identify).ToArray();
        var targets = episode.QueryLabels.data<long>().ToArray();
        for (int q = 0; q < 5; q++)
        {
            query[q].Class.Should().Be(support[targets[q]].Class);
        }
    }

    [Fact]
    public void Query_without_label_line_is_reported()
    {
        WriteRun(1, 4);
        var labels = _dir.Combine("run01", "class_labels.txt");
        File.WriteAllLines(labels, File.ReadAllLines(labels).Skip(1));
        FluentActions.Invoking(() => LakeOneShotRuns.Load(_dir.Path)).Should().Throw<InvalidDataException>().WithMessage("*item01.png has no label line*");
    }

    [Fact]
    public void Label_line_naming_a_missing_support_image_is_reported_with_line_and_column()
    {
        WriteRun(1, 4);
        var labels = _dir.Combine("run01", "class_labels.txt");
        File.AppendAllLines(labels, ["run01/test/item01.png run01/training/class09.png"]);
        FluentActions.Invoking(() => LakeOneShotRuns.Load(_dir.Path)).Should().Throw<FileNotFoundException>().WithMessage("*line 5 column 2*class09.png*");
    }

    [Fact]
    public void Malformed_line_and_empty_root_are_reported()
    {
        FluentActions.Invoking(() => LakeOneShotRuns.Load(_dir.Path)).Should().Throw<InvalidDataException>().WithMessage("*no run folders*");
        WriteRun(1, 3);
        File.AppendAllLines(_dir.Combine("run01", "class_labels.txt"), ["just-one-token"]);
        FluentActions.Invoking(() => LakeOneShotRuns.Load(_dir.Path)).Should().Throw<InvalidDataException>().WithMessage("*line 4*expected*");
    }
}
