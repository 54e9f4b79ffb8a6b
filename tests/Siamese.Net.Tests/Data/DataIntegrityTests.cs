using Siamese.Net.Data;
using Siamese.Net.Imaging;
using Siamese.Net.Tests.TestSupport;
using Siamese.Net.Datasets;

namespace Siamese.Net.Tests.Data;

/// <summary>Bad input the data loaders must not accept silently: hidden files, symlink escapes, header guessing, corrupt images.</summary>
public sealed class DataIntegrityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Csv(string content)
    {
        var path = _dir.Combine(Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Hidden_files_and_operating_system_droppings_are_never_images_or_classes()
    {
        var root = _dir.Combine("data");
        TestDatasets.WriteFolders(root, [2, 2], ext: "png");
        var junk = TestDatasets.Image(4, 4, 1, "png");
        File.WriteAllBytes(Path.Combine(root, "c00", "._00.png"), [0x00, 0x05, 0x16, 0x07]); // a macOS resource fork
        File.WriteAllBytes(Path.Combine(root, "c00", ".hidden.png"), junk);
        File.WriteAllBytes(Path.Combine(root, "c01", "Thumbs.db"), junk);
        File.WriteAllBytes(Path.Combine(root, "c01", "desktop.ini"), junk);
        Directory.CreateDirectory(Path.Combine(root, "__MACOSX", "c00"));
        File.WriteAllBytes(Path.Combine(root, "__MACOSX", "c00", "._00.png"), [0x00, 0x05]);
        Directory.CreateDirectory(Path.Combine(root, ".thumbnails"));
        File.WriteAllBytes(Path.Combine(root, ".thumbnails", "00.png"), junk);

        var options = new ImageFolderOptions { Extensions = [".png", ".db", ".ini"] };
        var ds = ImageFolderDataset.Load(root, options);

        ds.ClassNames.Should().Equal("c00", "c01");
        ds.Images.Select(i => Path.GetFileName(i.Path)).Should().Equal("00.png", "01.png", "00.png", "01.png");
    }

    [Fact]
    public void A_class_holding_only_hidden_files_is_reported_as_empty()
    {
        var root = _dir.Combine("data");
        TestDatasets.WriteFolders(root, [2], ext: "png");
        Directory.CreateDirectory(Path.Combine(root, "c01"));
        File.WriteAllBytes(Path.Combine(root, "c01", "._00.png"), [0x00, 0x05, 0x16, 0x07]);
        var act = () => ImageFolderDataset.Load(root);
        act.Should().Throw<InvalidDataException>().WithMessage("*c01*empty class folder*");
    }

    [Fact]
    public void A_symlink_inside_the_root_that_leads_outside_is_rejected_naming_the_row()
    {
        var root = _dir.Combine("train");
        TestDatasets.WriteFolders(root, [2], ext: "png");
        var outside = _dir.Combine("private");
        Directory.CreateDirectory(outside);
        File.WriteAllBytes(Path.Combine(outside, "secret.png"), TestDatasets.Image(8, 8, 1, "png"));
        Directory.CreateSymbolicLink(Path.Combine(root, "link"), outside);
        File.CreateSymbolicLink(Path.Combine(root, "c00", "file-link.png"), Path.Combine(outside, "secret.png"));
        var options = new PairCsvOptions(PairLabelConvention.OneMeansDifferent);

        var viaFolder = Csv("c00/00.png,c00/01.png,0\nc00/00.png,link/secret.png,1\n");
        var act = () => PairCsv.Read(viaFolder, root, options);
        act.Should().Throw<InvalidDataException>().WithMessage("*row 2 column 2 (img2)*link/secret.png*symbolic link*private*outside the dataset root*");

        var viaFile = Csv("c00/file-link.png,c00/01.png,0\n");
        var fileAct = () => PairCsv.Read(viaFile, root, options);
        fileAct.Should().Throw<InvalidDataException>().WithMessage("*row 1 column 1 (img1)*symbolic link*");

        // '..' after a link is taken from the link's target, as the operating system does: link/../private is outside.
        var dotDot = Csv("c00/00.png,link/../private/secret.png,1\n");
        var dotAct = () => PairCsv.Read(dotDot, root, options with { CheckFilesExist = false });
        dotAct.Should().Throw<InvalidDataException>().WithMessage("*row 1 column 2*");

        PairCsv.Read(viaFolder, root, options with { AllowPathsOutsideRoot = true }).Should().HaveCount(2);
    }

    [Fact]
    public void A_symlink_that_stays_inside_the_root_is_accepted()
    {
        var root = _dir.Combine("train");
        TestDatasets.WriteFolders(root, [2], ext: "png");
        Directory.CreateSymbolicLink(Path.Combine(root, "alias"), Path.Combine(root, "c00"));
        var pairs = PairCsv.Read(Csv("alias/00.png,c00/01.png,0\n"), root, new PairCsvOptions(PairLabelConvention.OneMeansDifferent));
        pairs[0].First.Should().Be(Path.Combine(root, "alias", "00.png"));
    }

    [Fact]
    public void A_headerless_file_whose_first_row_has_a_bad_label_fails_on_row_1_instead_of_losing_it()
    {
        var root = _dir.Combine("train");
        TestDatasets.WriteFolders(root, [2, 2], ext: "png");
        var options = new PairCsvOptions(PairLabelConvention.OneMeansDifferent);

        var malformed = Csv("c00/00.png,c00/01.png,same\nc00/00.png,c01/00.png,1\n");
        var act = () => PairCsv.Read(malformed, root, options);
        act.Should().Throw<InvalidDataException>().WithMessage("*row 1 column 3 (label): 'same'*HasHeader*Present*");

        // A real header is still recognised by its column names, in any case, and can be stated.
        PairCsv.Read(Csv("img1,img2,target\nc00/00.png,c01/00.png,1\n"), root, options).Should().ContainSingle();
        PairCsv.Read(Csv("IMAGE_A,IMAGE_B,Label\nc00/00.png,c01/00.png,1\n"), root, options).Should().ContainSingle();
        PairCsv.Read(Csv("first,second,kind\nc00/00.png,c01/00.png,1\n"), root, options with { HasHeader = PairCsvHeader.Present }).Should().ContainSingle();
        var unknownHeader = () => PairCsv.Read(Csv("first,second,kind\nc00/00.png,c01/00.png,1\n"), root, options);
        unknownHeader.Should().Throw<InvalidDataException>().WithMessage("*row 1 column 3*'kind'*");
        var badEnum = () => options with { HasHeader = (PairCsvHeader)7 };
        badEnum.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*HasHeader*");
    }

    [Fact]
    public void The_verifier_names_every_bad_file_at_once_and_reports_progress()
    {
        var root = _dir.Combine("data");
        TestDatasets.WriteFolders(root, [3, 3, 3], ext: "png");
        var good = File.ReadAllBytes(Path.Combine(root, "c00", "00.png"));
        var truncated = Path.Combine(root, "c00", "01.png");
        File.WriteAllBytes(truncated, good[..(good.Length / 2)]);
        var flipped = Path.Combine(root, "c01", "02.png");
        var damaged = (byte[])good.Clone();
        damaged[45] ^= 0x04; // inside IDAT
        File.WriteAllBytes(flipped, damaged);
        var text = Path.Combine(root, "c02", "00.png");
        File.WriteAllText(text, "<html>not found</html>");
        var dataset = ImageFolderDataset.Load(root);

        var reports = new List<int>();
        var progress = new SynchronousProgress(reports);
        var act = () => DatasetVerifier.Verify(dataset, new DatasetVerifierOptions { MaxDegreeOfParallelism = 2 }, progress);

        var error = act.Should().Throw<InvalidDataException>().Which;
        error.Message.Should().Contain("3 of 9 images").And.Contain(truncated).And.Contain(flipped).And.Contain(text);
        error.InnerException.Should().BeOfType<AggregateException>().Which.InnerExceptions.Should().HaveCount(3);
        reports.Should().Contain(9);
        reports.Max().Should().Be(9);

        var bad = DatasetVerifier.FindBadImages(dataset.Images.Select(i => i.Path));
        bad.Select(b => b.Path).Should().Equal(truncated, flipped, text);
        bad[1].Reason.Should().Contain("CRC-32");
    }

    [Fact]
    public void The_verifier_passes_a_good_data_set_checks_pairs_and_missing_files_and_can_be_cancelled()
    {
        var root = _dir.Combine("data");
        TestDatasets.WriteFolders(root, [2, 2], ext: "png");
        var dataset = ImageFolderDataset.Load(root);
        DatasetVerifier.Verify(dataset).Should().Be(4);

        var missing = Path.Combine(root, "c01", "gone.png");
        var pairs = new[]
        {
            new ImagePair(dataset.Images[0].Path, dataset.Images[1].Path, PairLabel.Same),
            new ImagePair(dataset.Images[0].Path, missing, PairLabel.Different),
        };
        var act = () => DatasetVerifier.Verify(pairs);
        act.Should().Throw<InvalidDataException>().WithMessage($"*1 of 3 images*{missing}*");

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var cancel = () => DatasetVerifier.Verify(dataset, cancellationToken: cancelled.Token);
        cancel.Should().Throw<OperationCanceledException>();

        var badOption = () => new DatasetVerifierOptions { MaxDegreeOfParallelism = 0 };
        badOption.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MaxDegreeOfParallelism*");

        // Integrity checks off: a flipped IDAT bit that stb decodes anyway passes, as training would decode it.
        var good = File.ReadAllBytes(dataset.Images[0].Path);
        good[45] ^= 0x04;
        File.WriteAllBytes(dataset.Images[0].Path, good);
        var lenient = new DatasetVerifierOptions { Decoder = new StbImageDecoder { VerifyIntegrity = false } };
        var lenientResult = () => DatasetVerifier.FindBadImages(dataset.Images.Select(i => i.Path), lenient);
        lenientResult().Count.Should().BeLessThanOrEqualTo(1);
        DatasetVerifier.FindBadImages(dataset.Images.Select(i => i.Path)).Should().ContainSingle();
    }

    private sealed class SynchronousProgress(List<int> reports) : IProgress<int>
    {
        public void Report(int value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
