using Siamese.Net.Data;
using Siamese.Net.Imaging;
using Siamese.Net.Tests.TestSupport;
using TorchSharp;
using Siamese.Net.Datasets;

namespace Siamese.Net.Tests.Data;

/// <summary>The loaders against the real datasets in ../shared/datasets; skipped when they are absent.</summary>
public class SharedDatasetIntegrationTests
{
    [SharedDatasetFact("att_faces")]
    public void Att_faces_load_as_40_subjects_of_10_binary_pgm_images_92x112()
    {
        var ds = ImageFolderDataset.Load(SharedDatasets.Find("att_faces")!);
        ds.ClassCount.Should().Be(40);
        ds.Images.Should().HaveCount(400);
        using var raw = StbImageDecoder.Default.Decode(File.ReadAllBytes(ds.Images[0].Path), ColorMode.Grayscale, ds.Images[0].Path);
        raw.shape.Should().Equal(1, 112, 92);
        raw.max().item<float>().Should().BeGreaterThan(0.5f);

        var (train, validation) = ds.SplitByClass(0.25, seed: 1);
        validation.ClassCount.Should().Be(10);
        train.ClassNames.Intersect(validation.ClassNames).Should().BeEmpty();
    }

    [SharedDatasetFact("omniglot/images_background")]
    public void Omniglot_background_with_class_depth_two_has_964_characters_of_20_one_bit_pngs()
    {
        var ds = ImageFolderDataset.Load(SharedDatasets.Find("omniglot/images_background")!, new ImageFolderOptions { ClassDepth = 2 });
        ds.ClassCount.Should().Be(964);
        ds.Images.Should().HaveCount(19280);
        ds.ClassNames.Should().Contain("Braille/character01");

        using var img = StbImageDecoder.Default.Decode(File.ReadAllBytes(ds.Images[0].Path), ColorMode.Grayscale, ds.Images[0].Path);
        img.shape.Should().Equal(1, 105, 105);
        using var notBinary = (img > 0f).logical_and(img < 1f);
        notBinary.any().item<bool>().Should().BeFalse("1-bit PNGs decode to exactly 0 and 1");
        img.mean().item<float>().Should().BeGreaterThan(0.5f, "strokes are black on white");

        using var episodes = new EpisodeSource(ds, new ImageStore(new ImagePreprocessing()), new EpisodeOptions { Ways = 20, Shots = 1, QueriesPerClass = 1, EpisodesPerEpoch = 1, Seed = 3 }).ReadBatch(0, 0);
        episodes.Support.shape.Should().Equal(20, 1, 105, 105);
    }

    [SharedDatasetFact("omniglot/images_background")]
    public void Lake_runs_assembled_from_the_background_set_load_and_match()
    {
        // Two runs of 5-way one-shot built from real drawings: support = drawer 01, query = drawer 02.
        var ds = ImageFolderDataset.Load(SharedDatasets.Find("omniglot/images_background")!, new ImageFolderOptions { ClassDepth = 2 });
        using var dir = new TempDirectory();
        for (int run = 1; run <= 2; run++)
        {
            string name = $"run{run:D2}";
            Directory.CreateDirectory(dir.Combine(name, "training"));
            Directory.CreateDirectory(dir.Combine(name, "test"));
            var lines = new List<string>();
            for (int c = 0; c < 5; c++)
            {
                var members = ds.ImagesOfClass((run * 100) + c);
                File.Copy(ds.Images[members[0]].Path, dir.Combine(name, "training", $"class{c + 1:D2}.png"));
                int item = ((c * 2) % 5) + 1;
                File.Copy(ds.Images[members[1]].Path, dir.Combine(name, "test", $"item{item:D2}.png"));
                lines.Add($"{name}/test/item{item:D2}.png {name}/training/class{c + 1:D2}.png");
            }

            File.WriteAllLines(dir.Combine(name, "class_labels.txt"), lines);
        }

        var runs = LakeOneShotRuns.Load(dir.Path);
        runs.Should().HaveCount(2);
        runs[0].QueryTargets.Should().Equal(0, 3, 1, 4, 2);
        using var episode = runs[1].Load(new ImageStore(new ImagePreprocessing()));
        episode.Query.shape.Should().Equal(5, 1, 105, 105);
    }

    [SharedDatasetFact("sign_data/train_data.csv")]
    public void Sign_data_csv_reads_with_one_meaning_forged_and_every_label_matches_the_forgery_folder()
    {
        var csv = SharedDatasets.Find("sign_data/train_data.csv")!;
        var pairs = PairCsv.Read(csv, SharedDatasets.Find("sign_data/train")!, new PairCsvOptions(PairLabelConvention.OneMeansDifferent));
        pairs.Count.Should().Be(File.ReadLines(csv).Count(l => l.Length > 0) - 1);
        pairs.Should().OnlyContain(p => (p.Label == PairLabel.Different) == p.Second.Contains("_forg", StringComparison.Ordinal));

        var store = new ImageStore(new ImagePreprocessing { Width = 220, Height = 155, PadToAspect = true, Invert = true, ResizeMode = ResizeMode.Area });
        using var batch = new PairListSource(pairs, store, new BatchOptions { BatchSize = 4, Seed = 1 }).ReadBatch(0, 0);
        batch.First().shape.Should().Equal(4, 1, 155, 220);
        batch.First().mean().item<float>().Should().BeLessThan(0.5f, "inverted signatures are mostly dark background");
    }
}
