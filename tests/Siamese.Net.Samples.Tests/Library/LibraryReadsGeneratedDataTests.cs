using Siamese.Net.Data;
using Siamese.Net.Imaging;
using Siamese.Net.Samples.Common.Synthetic;
using Siamese.Net.Datasets;

namespace Siamese.Net.Samples.Tests.Library;

/// <summary>
/// The embedded sets exist so the samples run their real loading code: the library's own readers must accept them,
/// with the labels the generators meant.
/// </summary>
public sealed class LibraryReadsGeneratedDataTests
{
    [Fact]
    public void PairCsv_reads_train_with_header_and_test_without_with_one_meaning_forged()
    {
        using var temp = new TempFolder();
        SignatureDatasetGenerator.Generate(temp.Path, new SignatureDatasetOptions { TrainWriters = 3, TestWriters = 2, Seed = 4 });
        var options = new PairCsvOptions(PairLabelConvention.OneMeansDifferent);

        var train = PairCsv.Read(Path.Combine(temp.Path, "train_data.csv"), Path.Combine(temp.Path, "train"), options);
        var test = PairCsv.Read(Path.Combine(temp.Path, "test_data.csv"), Path.Combine(temp.Path, "test"), options);

        train.Should().HaveCount(File.ReadAllLines(Path.Combine(temp.Path, "train_data.csv")).Length - 1);
        test.Should().HaveCount(File.ReadAllLines(Path.Combine(temp.Path, "test_data.csv")).Length, "the header-less first row is data");
        train.Concat(test).Should().OnlyContain(p =>
            (p.Label == PairLabel.Different) == Path.GetFileName(Path.GetDirectoryName(p.Second))!.EndsWith("_forg", StringComparison.Ordinal));
        train.Count(p => p.Label == PairLabel.Same).Should().Be(3 * 6 * 3);
    }

    [Fact]
    public void ImageFolderDataset_reads_faces_as_subjects_and_glyphs_as_alphabet_characters()
    {
        using var temp = new TempFolder();
        FaceDatasetGenerator.Generate(temp.Sub("faces"), new FaceDatasetOptions { Subjects = 3, ImagesPerSubject = 4 });
        GlyphDatasetGenerator.Generate(temp.Sub("glyphs"), new GlyphDatasetOptions { Alphabets = 2, CharactersPerAlphabet = 3, Drawers = 2 });

        var faces = ImageFolderDataset.Load(temp.Sub("faces"));
        var glyphs = ImageFolderDataset.Load(temp.Sub("glyphs"), new ImageFolderOptions { ClassDepth = 2 });

        faces.ClassCount.Should().Be(3);
        faces.Images.Should().HaveCount(12);
        faces.ClassNames.Should().BeEquivalentTo("s1", "s2", "s3");
        glyphs.ClassCount.Should().Be(6);
        glyphs.Images.Should().HaveCount(12);
        glyphs.ClassNames.Should().Contain(n => n.Replace('\\', '/') == "Synthetic_Alphabet_02/character03");
    }

    [Fact]
    public void LakeOneShotRuns_loads_the_assembled_runs_with_the_right_answers()
    {
        using var temp = new TempFolder();
        GlyphDatasetGenerator.Generate(temp.Sub("glyphs"), new GlyphDatasetOptions { Alphabets = 2, CharactersPerAlphabet = 5, Drawers = 3, Seed = 8 });
        OneShotRunBuilder.Build(temp.Sub("glyphs"), temp.Sub("runs"), new OneShotRunOptions { Runs = 2, Ways = 5 });

        var runs = LakeOneShotRuns.Load(temp.Sub("runs"));

        runs.Should().HaveCount(2);
        foreach (var run in runs)
        {
            run.SupportPaths.Should().HaveCount(5);
            run.QueryPaths.Should().HaveCount(5);
            var answers = File.ReadAllLines(Path.Combine(temp.Sub("runs"), run.Name, OneShotRunBuilder.LabelsFileName))
                .Select(l => l.Split(' ')[1]).ToList();
            for (int q = 0; q < 5; q++)
            {
                Path.GetFileName(run.SupportPaths[run.QueryTargets[q]]).Should().Be(Path.GetFileName(answers[q]));
            }
        }
    }

    [Fact]
    public void The_library_decodes_generated_pgm_and_png_to_the_preprocessed_size()
    {
        using var temp = new TempFolder();
        FaceDatasetGenerator.Generate(temp.Sub("faces"), new FaceDatasetOptions { Subjects = 1, ImagesPerSubject = 2 });
        SignatureDatasetGenerator.Generate(temp.Sub("sign"), new SignatureDatasetOptions { TrainWriters = 1, GenuinePerWriter = 2, ForgersPerWriter = 1, ForgeriesPerForger = 1 });
        var faces = new ImagePreprocessing { Width = 100, Height = 100 };
        var signatures = new ImagePreprocessing { Width = 105, Height = 105, Invert = true };

        using var face = faces.Load(Path.Combine(temp.Sub("faces"), "s1", "1.pgm"));
        using var signature = signatures.Load(Directory.GetFiles(Path.Combine(temp.Sub("sign"), "train", "001_forg"))[0]);

        face.shape.Should().Equal(1, 100, 100);
        signature.shape.Should().Equal(1, 105, 105);
        signature.mean().item<float>().Should().BeInRange(0.01f, 0.4f, "inverted: mostly dark paper, bright ink");
    }
}
