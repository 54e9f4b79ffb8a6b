using Siamese.Net.Samples.Common.Data;
using Siamese.Net.Samples.Common.Synthetic;

namespace Siamese.Net.Samples.Tests.Data;

public sealed class DatasetLocatorTests
{
    [Fact]
    public void Without_the_option_there_is_no_real_folder_and_the_embedded_set_is_used()
    {
        DatasetLocator.Resolve(DatasetKind.Signatures, null, "--data").Should().BeNull();
        var location = DatasetLocator.ResolveOrEmbedded(DatasetKind.AttFaces, "  ", "--data", () => "/embedded/faces");
        location.Should().Be(new DataLocation("/embedded/faces", IsEmbedded: true));
    }

    [Fact]
    public void A_missing_folder_fails_with_the_option_the_path_the_layout_and_where_to_download()
    {
        using var temp = new TempFolder();
        string missing = temp.Sub("nowhere");

        var act = () => DatasetLocator.Resolve(DatasetKind.Signatures, missing, "--data");

        var error = act.Should().Throw<MissingDatasetException>().Which;
        error.Kind.Should().Be(DatasetKind.Signatures);
        error.Path.Should().Be(missing);
        error.Problem.Should().Be("does not exist.");
        error.Message.Should().Contain("--data").And.Contain(missing).And.Contain("train_data.csv").And.Contain("kaggle datasets download");
    }

    [Theory]
    [InlineData(DatasetKind.AttFaces, "att_faces")]
    [InlineData(DatasetKind.OmniglotAlphabets, "images_background")]
    [InlineData(DatasetKind.OmniglotRuns, "all_runs")]
    public void Every_kind_explains_how_to_get_it(DatasetKind kind, string expectedName)
    {
        string text = DatasetLocator.HowToGet(kind, "--opt");
        text.Should().Contain(expectedName).And.Contain("--opt");
    }

    [Fact]
    public void Generated_sets_pass_the_layout_checks_of_their_kind()
    {
        using var temp = new TempFolder();
        SignatureDatasetGenerator.Generate(temp.Sub("sign"), new SignatureDatasetOptions { TrainWriters = 1, TestWriters = 1, GenuinePerWriter = 2, ForgersPerWriter = 1, ForgeriesPerForger = 1 });
        FaceDatasetGenerator.Generate(temp.Sub("faces"), new FaceDatasetOptions { Subjects = 2, ImagesPerSubject = 2 });
        GlyphDatasetGenerator.Generate(temp.Sub("glyphs"), new GlyphDatasetOptions { Alphabets = 1, CharactersPerAlphabet = 3, Drawers = 2 });
        OneShotRunBuilder.Build(temp.Sub("glyphs"), temp.Sub("runs"), new OneShotRunOptions { Runs = 1, Ways = 3 });

        DatasetLocator.Resolve(DatasetKind.Signatures, temp.Sub("sign"), "--data").Should().Be(temp.Sub("sign"));
        DatasetLocator.FindProblem(DatasetKind.AttFaces, temp.Sub("faces")).Should().BeNull();
        DatasetLocator.FindProblem(DatasetKind.OmniglotAlphabets, temp.Sub("glyphs")).Should().BeNull();
        DatasetLocator.FindProblem(DatasetKind.OmniglotRuns, temp.Sub("runs")).Should().BeNull();

        // And each check rejects another kind's folder.
        DatasetLocator.FindProblem(DatasetKind.Signatures, temp.Sub("faces")).Should().Be("has no train/ folder.");
        DatasetLocator.FindProblem(DatasetKind.AttFaces, temp.Sub("glyphs")).Should().NotBeNull();
        DatasetLocator.FindProblem(DatasetKind.OmniglotRuns, temp.Sub("glyphs")).Should().NotBeNull();
        DatasetLocator.FindProblem(DatasetKind.OmniglotAlphabets, temp.Sub("faces")).Should().NotBeNull();
    }

    [Fact]
    public void A_test_folder_without_its_csv_is_reported()
    {
        using var temp = new TempFolder();
        SignatureDatasetGenerator.Generate(temp.Path, new SignatureDatasetOptions { TrainWriters = 1, TestWriters = 1, GenuinePerWriter = 2, ForgersPerWriter = 1, ForgeriesPerForger = 1 });
        File.Delete(Path.Combine(temp.Path, "test_data.csv"));

        DatasetLocator.FindProblem(DatasetKind.Signatures, temp.Path).Should().Be("has a test/ folder but no test_data.csv.");
    }

    [Fact]
    public void A_file_instead_of_a_folder_is_named_as_such()
    {
        using var temp = new TempFolder();
        string file = temp.Sub("file.txt");
        File.WriteAllText(file, "x");

        DatasetLocator.FindProblem(DatasetKind.AttFaces, file).Should().Be("is a file, not a folder.");
    }
}
