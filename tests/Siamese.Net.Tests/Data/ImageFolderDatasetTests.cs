using Siamese.Net.Data;
using Siamese.Net.Tests.TestSupport;

namespace Siamese.Net.Tests.Data;

public sealed class ImageFolderDatasetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Att_faces_layout_sN_K_pgm_ignores_non_image_files_and_sorts_ordinally()
    {
        foreach (var s in new[] { "s1", "s2", "s10" })
        {
            Directory.CreateDirectory(_dir.Combine(s));
            for (int k = 1; k <= 3; k++)
            {
                File.WriteAllBytes(_dir.Combine(s, $"{k}.pgm"), TestDatasets.Image(4, 4, k, "pgm"));
            }
        }

        File.WriteAllText(_dir.Combine("README"), "not an image");
        Directory.CreateDirectory(_dir.Combine(".ipynb_checkpoints"));
        File.WriteAllText(_dir.Combine("s1", "notes.txt"), "ignored");
        var ds = ImageFolderDataset.Load(_dir.Path);
        ds.ClassNames.Should().Equal("s1", "s10", "s2");
        ds.Images.Should().HaveCount(9);
        ds.ImagesOfClass(1).Select(i => Path.GetFileName(ds.Images[i].Path)).Should().Equal("1.pgm", "2.pgm", "3.pgm");
        ds.Images.Where(i => i.ClassId == 2).Should().OnlyContain(i => i.Path.Contains($"{Path.DirectorySeparatorChar}s2{Path.DirectorySeparatorChar}"));
    }

    [Fact]
    public void Omniglot_layout_with_class_depth_two_names_classes_alphabet_slash_character()
    {
        TestDatasets.WriteFolders(_dir.Combine("Latin"), [2, 2], ext: "png", classPrefix: "character");
        TestDatasets.WriteFolders(_dir.Combine("Greek"), [3], ext: "png", classPrefix: "character");
        var ds = ImageFolderDataset.Load(_dir.Path, new ImageFolderOptions { ClassDepth = 2 });
        ds.ClassNames.Should().Equal("Greek/character00", "Latin/character00", "Latin/character01");
        ds.Images.Should().HaveCount(7);

        FluentActions.Invoking(() => ImageFolderDataset.Load(_dir.Path))
            .Should().Throw<InvalidDataException>().WithMessage("*Greek: empty class folder*set ClassDepth to 2*");
    }

    [Fact]
    public void Empty_class_folder_is_named()
    {
        TestDatasets.WriteFolders(_dir.Path, [2, 2]);
        Directory.CreateDirectory(_dir.Combine("c99"));
        var act = () => ImageFolderDataset.Load(_dir.Path);
        act.Should().Throw<InvalidDataException>().WithMessage("*c99*empty class folder*");
    }

    [Fact]
    public void Missing_root_and_no_classes_are_clear()
    {
        FluentActions.Invoking(() => ImageFolderDataset.Load(_dir.Combine("nope"))).Should().Throw<DirectoryNotFoundException>().WithMessage("*nope*");
        FluentActions.Invoking(() => ImageFolderDataset.Load(_dir.Path)).Should().Throw<InvalidDataException>().WithMessage("*no class folders*");
    }

    [Fact]
    public void With_classes_keeps_the_named_classes_in_the_given_order_renumbered()
    {
        TestDatasets.WriteFolders(_dir.Path, [1, 2, 3, 4]);
        var ds = ImageFolderDataset.Load(_dir.Path);
        string[] wanted = [ds.ClassNames[3], ds.ClassNames[1]];

        var kept = ds.WithClasses(wanted);

        kept.Root.Should().Be(ds.Root);
        kept.ClassNames.Should().Equal(wanted);
        kept.Images.Should().HaveCount(6);
        kept.ImagesOfClass(0).Select(i => kept.Images[i].Path).Should().Equal(ds.ImagesOfClass(3).Select(i => ds.Images[i].Path));
        kept.ImagesOfClass(1).Select(i => kept.Images[i].Path).Should().Equal(ds.ImagesOfClass(1).Select(i => ds.Images[i].Path));
    }

    [Fact]
    public void With_classes_refuses_unknown_repeated_or_no_names()
    {
        TestDatasets.WriteFolders(_dir.Path, [1, 1]);
        var ds = ImageFolderDataset.Load(_dir.Path);

        FluentActions.Invoking(() => ds.WithClasses(["nobody"])).Should().Throw<ArgumentException>().WithMessage("*no class 'nobody'*").WithParameterName("classNames");
        FluentActions.Invoking(() => ds.WithClasses([ds.ClassNames[0], ds.ClassNames[0]])).Should().Throw<ArgumentException>().WithMessage("*given twice*");
        FluentActions.Invoking(() => ds.WithClasses([])).Should().Throw<ArgumentException>().WithMessage("*At least one class*");
    }

    [Fact]
    public void Split_by_class_is_disjoint_complete_and_seeded()
    {
        TestDatasets.WriteFolders(_dir.Path, [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
        var ds = ImageFolderDataset.Load(_dir.Path);
        var (train, validation) = ds.SplitByClass(0.3, seed: 7);
        validation.ClassCount.Should().Be(3);
        train.ClassNames.Intersect(validation.ClassNames).Should().BeEmpty();
        train.ClassNames.Concat(validation.ClassNames).Should().BeEquivalentTo(ds.ClassNames);
        train.Images.Select(i => i.Path).Intersect(validation.Images.Select(i => i.Path)).Should().BeEmpty();
        train.Images.Count.Should().Be(14);
        train.Images.Should().OnlyContain(i => train.ClassNames[i.ClassId] == Path.GetFileName(Path.GetDirectoryName(i.Path)));

        var again = ds.SplitByClass(0.3, seed: 7);
        again.Validation.ClassNames.Should().Equal(validation.ClassNames);
        var seeds = Enumerable.Range(0, 10).Select(s => string.Join(",", ds.SplitByClass(0.3, s).Validation.ClassNames)).Distinct();
        seeds.Should().HaveCountGreaterThan(1);
    }

    [Fact]
    public void Split_by_image_is_stratified_and_disjoint()
    {
        TestDatasets.WriteFolders(_dir.Path, [10, 5, 1]);
        var ds = ImageFolderDataset.Load(_dir.Path);
        var (train, validation) = ds.SplitByImage(0.2, seed: 3);
        train.Images.Select(i => i.Path).Intersect(validation.Images.Select(i => i.Path)).Should().BeEmpty();
        (train.Images.Count + validation.Images.Count).Should().Be(16);
        validation.Images.Count(i => i.ClassId == 0).Should().Be(2);
        validation.Images.Count(i => i.ClassId == 1).Should().Be(1);
        validation.Images.Count(i => i.ClassId == 2).Should().Be(0, "a single image stays in training");
        validation.ClassNames.Should().Equal(ds.ClassNames);
        ds.SplitByImage(0.2, 3).Validation.Images.Should().Equal(validation.Images);
    }

    [Fact]
    public void Split_arguments_are_validated()
    {
        TestDatasets.WriteFolders(_dir.Path, [2]);
        var ds = ImageFolderDataset.Load(_dir.Path);
        FluentActions.Invoking(() => ds.SplitByClass(0.5, 1)).Should().Throw<InvalidOperationException>().WithMessage("*at least 2 classes*");
        FluentActions.Invoking(() => ds.SplitByImage(1.0, 1)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new ImageFolderOptions { ClassDepth = 0 }).Should().Throw<ArgumentOutOfRangeException>();
    }
}
