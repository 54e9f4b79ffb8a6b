using Siamese.Net.Samples.Common.Synthetic;

namespace Siamese.Net.Samples.Tests.Synthetic;

public sealed class EmbeddedDatasetTests
{
    [Fact]
    public void Generates_once_and_reuses_while_the_fingerprint_is_unchanged()
    {
        using var temp = new TempFolder();
        int calls = 0;
        void Generate(string folder)
        {
            calls++;
            File.WriteAllText(Path.Combine(folder, "data.txt"), "x");
        }

        string first = EmbeddedDataset.Ensure(temp.Sub("set"), "v1", Generate);
        string second = EmbeddedDataset.Ensure(temp.Sub("set"), "v1", Generate);

        calls.Should().Be(1);
        second.Should().Be(first);
        File.ReadAllText(Path.Combine(first, "data.txt")).Should().Be("x");

        EmbeddedDataset.Ensure(temp.Sub("set"), "v2", Generate);
        calls.Should().Be(2, "changed options regenerate the set");
    }

    [Fact]
    public void A_failed_generation_leaves_neither_the_set_nor_a_partial_folder()
    {
        using var temp = new TempFolder();
        var act = () => EmbeddedDataset.Ensure(temp.Sub("set"), "v1", folder =>
        {
            File.WriteAllText(Path.Combine(folder, "half.txt"), "x");
            throw new IOException("disk full");
        });

        act.Should().Throw<IOException>();
        Directory.GetFileSystemEntries(temp.Path).Should().BeEmpty();
    }

    [Fact]
    public void The_typed_helpers_write_the_generators_layouts()
    {
        using var temp = new TempFolder();
        string signatures = EmbeddedDataset.EnsureSignatures(temp.Sub("sign"), new SignatureDatasetOptions { TrainWriters = 1, GenuinePerWriter = 2, ForgersPerWriter = 1, ForgeriesPerForger = 1 });
        string faces = EmbeddedDataset.EnsureFaces(temp.Sub("faces"), new FaceDatasetOptions { Subjects = 2, ImagesPerSubject = 2 });
        string glyphs = EmbeddedDataset.EnsureGlyphs(temp.Sub("glyphs"), new GlyphDatasetOptions { Alphabets = 1, CharactersPerAlphabet = 2, Drawers = 2 });

        File.Exists(Path.Combine(signatures, "train_data.csv")).Should().BeTrue();
        File.Exists(Path.Combine(faces, "s2", "2.pgm")).Should().BeTrue();
        File.Exists(Path.Combine(glyphs, "Synthetic_Alphabet_01", "character02", "0002_02.png")).Should().BeTrue();
    }
}
