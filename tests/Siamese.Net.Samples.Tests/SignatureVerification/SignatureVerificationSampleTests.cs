using Siamese.Net.Losses;
using System.Globalization;
using Siamese.Net.Samples.Common.Cli;
using Siamese.Net.Samples.Common.Synthetic;
using Siamese.Net.Samples.SignatureVerification;
using Spectre.Console.Testing;

namespace Siamese.Net.Samples.Tests.SignatureVerification;

public sealed class SignatureVerificationSampleTests
{
    private static readonly string[] ResultNames = ["eer", "auc", "accuracy"];

    private static readonly string[] BaselineNames =
    [
        "baseline_ink_darkness_auc", "baseline_ink_mean_auc", "baseline_preprocessed_darkness_auc", "baseline_preprocessed_mean_ink_auc",
        "baseline_raw_pixel_eer", "baseline_raw_pixel_auc", "eer_ink_changed", "auc_ink_changed",
    ];

    /// <summary>Three genuine signatures and two forgeries per writer, one pair of each kind per anchor: enough for
    /// the data-handling tests, small enough to generate in milliseconds.</summary>
    private static readonly SignatureDatasetOptions SmallWriterSet = new()
    {
        GenuinePerWriter = 3,
        ForgersPerWriter = 1,
        ForgeriesPerForger = 2,
        SamePairsPerAnchor = 1,
        ForgedPairsPerAnchor = 1,
        Seed = 4,
    };

    [Fact]
    public void One_epoch_on_a_tiny_set_without_test_folder_writes_every_artefact_and_ends_with_the_result_lines()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("sign_data");
        SignatureDatasetGenerator.Generate(data, new SignatureDatasetOptions
        {
            TrainWriters = 10,
            GenuinePerWriter = 4,
            ForgersPerWriter = 1,
            ForgeriesPerForger = 3,
            SamePairsPerAnchor = 2,
            ForgedPairsPerAnchor = 2,
            Seed = 3,
        });
        string output = temp.Sub("out");
        var console = new TestConsole();

        int code = SampleHost.Run<SignatureVerificationCommand>(
            ["--data", data, "--epochs", "1", "--output", output, "--image-size", "32x64", "--pairs-per-epoch", "48", "--seed", "5"],
            "SignatureVerification", "test", console);

        code.Should().Be(ExitCodes.Success, console.Output);
        var lines = console.Output.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var last = lines[^3..];
        last.Select(l => l.Split('=')[0]).Should().Equal(ResultNames.Select(n => "RESULT " + n));
        foreach (string line in last)
        {
            double value = double.Parse(line.Split('=')[1], CultureInfo.InvariantCulture);
            value.Should().BeInRange(0, 1);
        }

        var results = File.ReadAllLines(Path.Combine(output, "results.txt"));
        results[^3..].Should().Equal(last);
        results.Select(l => l.Split('=')[0]).Should().Contain(BaselineNames.Select(n => "RESULT " + n), "the baselines are printed on the same test pairs");
        foreach (string file in new[] { "loss.png", "roc.png", "distances.png", "pairs.png", SignatureVerificationCommand.ClassifierFileName, "signature-verifier.siamese-onnx" })
        {
            new FileInfo(Path.Combine(output, file)).Length.Should().BeGreaterThan(0, file);
        }

        console.Output.Should().Contain("held out", "without test/ the sample holds out writers itself");
        // The default pipeline is the ink-invariant one, and the deployed bundle repeats it.
        using var deployed = Siamese.Net.Onnx.OnnxOneShotClassifier.Load(Path.Combine(output, "signature-verifier.siamese-onnx"));
        deployed.Preprocessing.InkNormalization.Should().Be(Siamese.Net.Onnx.InkNormalization.OtsuBinarize);
        deployed.Preprocessing.CropToInk.Should().BeTrue();
    }

    [Theory]
    [InlineData("bce", typeof(BceHeadLoss))]
    [InlineData("contrastive", typeof(ContrastiveLoss))]
    [InlineData("circle", typeof(CircleLoss))]
    [InlineData("supcon", typeof(SupervisedContrastiveLoss))]
    public void Every_loss_choice_trains_an_epoch_and_reports(string name, Type type)
    {
        using (var loss = SignatureVerificationCommand.CreateLoss(name))
        {
            loss.Should().BeOfType(type);
        }

        using var temp = new TempFolder();
        string data = temp.Sub("sign_data");
        SignatureDatasetGenerator.Generate(data, SmallWriterSet with { TrainWriters = 10, GenuinePerWriter = 4 });
        var console = new TestConsole();
        int code = SampleHost.Run<SignatureVerificationCommand>(
            ["--data", data, "--epochs", "1", "--output", temp.Sub("out"), "--image-size", "16x32", "--pairs-per-epoch", "32", "--batch-size", "16", "--loss", name],
            "SignatureVerification", "test", console);

        code.Should().Be(ExitCodes.Success, console.Output);
        console.Output.Should().Contain("RESULT eer=").And.Contain($"loss {name}");
    }

    [Fact]
    public void Ink_strokes_trains_on_uniform_strokes_and_the_bundle_repeats_them()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("sign_data");
        SignatureDatasetGenerator.Generate(data, SmallWriterSet with { TrainWriters = 10, GenuinePerWriter = 4 });
        string output = temp.Sub("out");
        var console = new TestConsole();
        int code = SampleHost.Run<SignatureVerificationCommand>(
            ["--data", data, "--epochs", "1", "--output", output, "--image-size", "16x32", "--pairs-per-epoch", "32", "--batch-size", "16", "--ink", "strokes"],
            "SignatureVerification", "test", console);

        code.Should().Be(ExitCodes.Success, console.Output);
        console.Output.Should().Contain("ink strokes").And.Contain("trained in float32 precision").And.Contain("RESULT eer=");
        using var deployed = Siamese.Net.Onnx.OnnxOneShotClassifier.Load(Path.Combine(output, "signature-verifier.siamese-onnx"));
        deployed.Preprocessing.InkNormalization.Should().Be(Siamese.Net.Onnx.InkNormalization.OtsuBinarizeUniformStrokes);
    }

    [Fact]
    public void Precision_mixed_reaches_the_trainer()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("sign_data");
        SignatureDatasetGenerator.Generate(data, SmallWriterSet with { TrainWriters = 10, GenuinePerWriter = 4 });
        var console = new TestConsole();
        int code = SampleHost.Run<SignatureVerificationCommand>(
            ["--data", data, "--epochs", "1", "--output", temp.Sub("out"), "--image-size", "16x32", "--pairs-per-epoch", "32", "--batch-size", "16", "--precision", "mixed"],
            "SignatureVerification", "test", console);

        code.Should().Be(ExitCodes.Success, console.Output);
        console.Output.Should().Contain("trained in mixed-bfloat16 precision").And.Contain("RESULT eer=");
    }

    [Fact]
    public void Writer_split_is_disjoint_counts_forgery_folders_as_their_writer_and_repeats_for_a_seed()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("sign_data");
        SignatureDatasetGenerator.Generate(data, SmallWriterSet with { TrainWriters = 12 });

        var split = SignatureData.Load(data, validationFraction: 0.2, testFraction: 0.25, seed: 9);
        var again = SignatureData.Load(data, validationFraction: 0.2, testFraction: 0.25, seed: 9);

        split.TestFromFolder.Should().BeFalse();
        split.TestWriters.Should().HaveCount(3);
        split.Split.ValidationGroups.Should().HaveCount(2);
        split.TrainWriters.Should().HaveCount(7);
        split.TrainWriters.Concat(split.Split.ValidationGroups).Concat(split.TestWriters).Should().OnlyHaveUniqueItems();
        again.TestWriters.Should().Equal(split.TestWriters);
        again.Split.ValidationGroups.Should().Equal(split.Split.ValidationGroups);
        AssertWithin(split.Split.Training, split.TrainWriters);
        AssertWithin(split.Split.Validation, split.Split.ValidationGroups);
        AssertWithin(split.Test, split.TestWriters);
        split.Split.Training.Count.Should().BeGreaterThan(0);
        split.Test.Should().Contain(p => p.Label == PairLabel.Different && p.Second.Contains("_forg", StringComparison.Ordinal));
        SignatureData.WriterOf("/x/train/033_forg/03_0203033.PNG").Should().Be("033");
        SignatureData.WriterOf("/x/train/033/02_033.png").Should().Be("033");
    }

    [Fact]
    public void A_test_folder_is_used_as_the_test_set_and_validation_comes_from_the_training_writers()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("sign_data");
        SignatureDatasetGenerator.Generate(data, SmallWriterSet with { TrainWriters = 8, TestWriters = 3 });

        var split = SignatureData.Load(data, validationFraction: 0.25, testFraction: 0.5, seed: 1);

        split.TestFromFolder.Should().BeTrue();
        split.TestWriters.Should().HaveCount(3);
        split.Test.Should().OnlyContain(p => p.First.Contains(Path.Combine(data, "test"), StringComparison.Ordinal));
        split.Split.ValidationGroups.Should().HaveCount(2);
        split.TrainWriters.Should().HaveCount(6);
        split.Split.Training.Concat(split.Split.Validation).Should().OnlyContain(p => p.First.Contains(Path.Combine(data, "train"), StringComparison.Ordinal));
    }

    [Fact]
    public void Writer_pairs_stay_within_the_training_writers_pair_forgeries_with_their_writer_and_repeat_for_a_seed()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("sign_data");
        SignatureDatasetGenerator.Generate(data, SmallWriterSet with { TrainWriters = 10 });
        var split = SignatureData.Load(data, validationFraction: 0.2, testFraction: 0.2, seed: 2);
        var store = new Siamese.Net.Data.ImageStore(new Siamese.Net.Imaging.ImagePreprocessing { Height = 16, Width = 32, Invert = true }, cacheInMemory: true);
        var folders = split.TrainFolders(data);
        folders.ClassNames.Should().Equal(split.TrainWriters.SelectMany(w => new[] { w, w + "_forg" }));
        Enumerable.Range(0, folders.ClassCount).Select(c => folders.ImagesOfClass(c).Count).Should().OnlyContain(n => n == 3 || n == 2);
        List<string> Files(string folder) => [.. folders.ImagesOfClass(folders.ClassNames.ToList().IndexOf(folder)).Select(i => folders.Images[i].Path)];
        var writers = split.TrainWriters.Select(w => (Writer: w, Genuine: Files(w), Forgeries: Files(w + "_forg"))).ToList();

        var source = new WriterPairSource(folders, store, batchSize: 16, pairsPerEpoch: 64, seed: 7, augmentation: null);
        source.BatchesPerEpoch.Should().Be(4);
        using (var batch = source.ReadBatch(0, 1))
        using (var again = source.ReadBatch(0, 1))
        {
            batch.Images.shape.Should().Equal(32, 1, 16, 32);
            batch.Images.allclose(again.Images, rtol: 0, atol: 0).Should().BeTrue("a batch depends only on (seed, epoch, index)");
            batch.Tuples.Should().BeOfType<PairTuples>().Which.PositiveCount.Should().Be(8, "folder pairs alternate same and different");
        }

        var genuine = writers.SelectMany(w => w.Genuine.Select(g => (g, w.Writer))).ToDictionary(x => x.g, x => x.Writer);
        var forged = writers.SelectMany(w => w.Forgeries.Select(f => (f, w.Writer))).ToDictionary(x => x.f, x => x.Writer);
        int skilled = 0, strangers = 0;
        for (int b = 0; b < source.BatchesPerEpoch; b++)
        {
            foreach (var (first, second, label) in source.PlanBatch(3, b))
            {
                genuine.Should().ContainKey(first, "the reference is always a training writer's genuine signature");
                if (label == PairLabel.Same)
                {
                    second.Should().NotBe(first);
                    genuine[second].Should().Be(genuine[first]);
                }
                else if (forged.TryGetValue(second, out string? forger))
                {
                    forger.Should().Be(genuine[first], "a skilled forgery is paired with the writer it imitates");
                    skilled++;
                }
                else
                {
                    genuine[second].Should().NotBe(genuine[first]);
                    strangers++;
                }
            }
        }

        skilled.Should().BeGreaterThan(strangers, "most different pairs are skilled forgeries");
        strangers.Should().BeGreaterThan(0);
    }

    private static void AssertWithin(IReadOnlyList<Siamese.Net.Data.ImagePair> pairs, IReadOnlyList<string> writers) =>
        pairs.Should().OnlyContain(p => writers.Contains(SignatureData.WriterOf(p.First)) && writers.Contains(SignatureData.WriterOf(p.Second)));
}
