using System.Text.RegularExpressions;
using Siamese.Net.Samples.Common.Data;
using Siamese.Net.Samples.Common.Imaging;
using Siamese.Net.Samples.Common.Synthetic;
using Siamese.Net.Samples.Tests.TestSupport;

namespace Siamese.Net.Samples.Tests.RealData;

/// <summary>
/// The generators claim to write the real layouts, and the layout checks claim to accept the real data: both are
/// checked against the real data sets when they are present.
/// </summary>
public sealed partial class RealLayoutTests
{
    [SharedDatasetFact("sign_data/train_data.csv")]
    public void Real_and_generated_signature_sets_share_header_folder_names_and_file_name_patterns()
    {
        string real = SharedDatasets.Require("sign_data");
        using var temp = new TempFolder();
        SignatureDatasetGenerator.Generate(temp.Path, new SignatureDatasetOptions { TrainWriters = 2, GenuinePerWriter = 2, ForgersPerWriter = 1, ForgeriesPerForger = 1 });

        DatasetLocator.FindProblem(DatasetKind.Signatures, real).Should().BeNull();
        File.ReadLines(Path.Combine(real, "train_data.csv")).First().Should().Be(File.ReadLines(Path.Combine(temp.Path, "train_data.csv")).First());
        foreach (string root in new[] { real, temp.Path })
        {
            foreach (string folder in Directory.GetDirectories(Path.Combine(root, "train")))
            {
                string name = Path.GetFileName(folder);
                name.Should().MatchRegex("^[0-9]{3}(_forg)?$");
                var pattern = name.EndsWith("_forg", StringComparison.Ordinal) ? Forged() : Genuine();
                Directory.GetFiles(folder).Select(Path.GetFileName).Should().OnlyContain(f => pattern.IsMatch(f!), $"{folder} follows the real naming");
            }
        }
    }

    [SharedDatasetFact("att_faces/s1/1.pgm")]
    public void Real_and_generated_faces_have_the_same_pgm_header_and_layout()
    {
        string real = SharedDatasets.Require("att_faces");
        using var temp = new TempFolder();
        FaceDatasetGenerator.Generate(temp.Path, new FaceDatasetOptions { Subjects = 1, ImagesPerSubject = 2 });

        DatasetLocator.FindProblem(DatasetKind.AttFaces, real).Should().BeNull();
        File.ReadAllBytes(Path.Combine(real, "s1", "1.pgm")).Take(14).Should().Equal(File.ReadAllBytes(Path.Combine(temp.Path, "s1", "1.pgm")).Take(14));
        var face = GrayImage.Load(Path.Combine(real, "s40", "10.pgm"));
        (face.Width, face.Height).Should().Be((92, 112));
    }

    [SharedDatasetFact("omniglot/images_background")]
    public void Lake_runs_assemble_from_the_real_background_set_within_one_alphabet()
    {
        string real = SharedDatasets.Require("omniglot/images_background");
        using var temp = new TempFolder();

        DatasetLocator.FindProblem(DatasetKind.OmniglotAlphabets, real).Should().BeNull();
        var runs = OneShotRunBuilder.Build(real, temp.Path, new OneShotRunOptions { Runs = 3, Ways = 20, Seed = 2 });

        DatasetLocator.FindProblem(DatasetKind.OmniglotRuns, temp.Path).Should().BeNull();
        runs.Should().HaveCount(3);
        foreach (string run in runs)
        {
            File.ReadAllLines(Path.Combine(run, OneShotRunBuilder.LabelsFileName)).Should().HaveCount(20);
            var glyph = GrayImage.Load(Path.Combine(run, "test", "item01.png"));
            (glyph.Width, glyph.Height).Should().Be((105, 105));
            glyph.Pixels.ToArray().Should().OnlyContain(p => p == 0f || p == 1f, "Omniglot's 1-bit PNGs decode to black and white");
        }
    }

    // Genuine: "001_01.PNG" or "01_033.png"; forged: "0119001_01.png" or "01_0203033.PNG".
    [GeneratedRegex("^([0-9]{3}_[0-9]{2}|[0-9]{2}_[0-9]{3})\\.(png|PNG)$")]
    private static partial Regex Genuine();

    [GeneratedRegex("^([0-9]{7}_[0-9]{2}|[0-9]{2}_[0-9]{7})\\.(png|PNG)$")]
    private static partial Regex Forged();
}
