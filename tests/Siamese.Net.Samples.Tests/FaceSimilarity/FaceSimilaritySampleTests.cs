using System.Globalization;
using FaceSimilarity;
using Siamese.Net;
using Siamese.Net.Data;
using Siamese.Net.Encoders;
using Siamese.Net.Inference;
using Siamese.Net.Miners;
using Siamese.Net.Losses;
using Siamese.Net.Samples.Common.Cli;
using Siamese.Net.Samples.Common.Data;
using Siamese.Net.Samples.Common.Synthetic;
using Spectre.Console.Testing;

namespace Siamese.Net.Samples.Tests.FaceSimilarity;

public sealed class FaceSimilaritySampleTests
{
    [Fact]
    public void One_epoch_of_the_default_recipe_ends_with_the_result_lines_and_writes_every_output()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("faces");
        FaceDatasetGenerator.Generate(data, new FaceDatasetOptions { Subjects = 14, ImagesPerSubject = 4, Seed = 3 });
        string output = temp.Sub("out");
        var console = new TestConsole();
        console.Profile.Width = 160;

        int code = SampleHost.Run<FaceSimilarityCommand>(
            ["--data", data, "--output", output, "--epochs", "1", "--image-size", "16x20", "--embedding-size", "8",
             "--subjects-per-batch", "2", "--images-per-subject", "3", "--batches-per-epoch", "2", "--validation-subjects", "2", "--episodes", "20"],
            "FaceSimilarity", "test", console);

        code.Should().Be(ExitCodes.Success, console.Output);
        var lines = ResultLines(console.Output);
        console.Output.Should().Contain("train s1-s2 (2 subjects), validation s3-s4 (2 subjects)").And.Contain("s5-s14 (10 subjects)")
            .And.Contain("Conv4Encoder 16x20").And.Contain("eigenfaces 1-NN");
        ExpectOutputs(output, lines);

        // The saved classifier is the deliverable: it loads into a fresh network and knows the ten test subjects.
        using var loaded = OneShotClassifier.Load(Path.Combine(output, FaceSimilarityCommand.ClassifierFileName));
        loaded.Classes.Should().HaveCount(10).And.Contain("s5").And.Contain("s14");
        loaded.Threshold.Should().NotBeNull();
        loaded.Predict(Path.Combine(data, "s5", "1.pgm")).Label.Should().Be("s5", "its own support image is at distance zero");

        // The ONNX bundle the sample wrote beside it answers like the TorchSharp classifier, on every test image.
        using var deployed = Siamese.Net.Onnx.OnnxOneShotClassifier.Load(Path.ChangeExtension(Path.Combine(output, FaceSimilarityCommand.ClassifierFileName), ".siamese-onnx"));
        var queries = Enumerable.Range(5, 10).SelectMany(s => new[] { 2, 3, 4 }.Select(k => Path.Combine(data, $"s{s}", $"{k}.pgm"))).ToArray();
        var torch = loaded.PredictBatch(queries);
        var onnx = deployed.PredictBatch(queries);
        onnx.Select(p => p.Label).Should().Equal(torch.Select(p => p.Label), "the same labels and unknowns");
        onnx.Select(p => p.Distance).Zip(torch.Select(p => p.Distance), (a, b) => Math.Abs(a - b)).Max().Should().BeLessThan(1e-4);
    }

    [Fact]
    public void The_tutorials_setting_trains_FaceSimilarityNet_with_the_contrastive_loss_on_pairs()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("faces");
        FaceDatasetGenerator.Generate(data, new FaceDatasetOptions { Subjects = 14, ImagesPerSubject = 4, Seed = 3 });
        string output = temp.Sub("out");
        var console = new TestConsole();
        console.Profile.Width = 160;

        int code = SampleHost.Run<FaceSimilarityCommand>(
            ["--data", data, "--output", output, "--epochs", "1", "--encoder", "facenet", "--loss", "contrastive", "--image-size", "24",
             "--embedding-size", "5", "--pairs-per-epoch", "64", "--batch-size", "32", "--validation-subjects", "2", "--episodes", "20"],
            "FaceSimilarity", "test", console);

        code.Should().Be(ExitCodes.Success, console.Output);
        console.Output.Should().Contain("FaceSimilarityNet 24x24 → 5").And.Contain("contrastive loss (margin 2)").And.Contain("Adam 0.0005 (constant)");
        ExpectOutputs(output, ResultLines(console.Output));
        using var network = new SiameseNetwork(new FaceSimilarityNet(new EncoderOptions { InputHeight = 24, InputWidth = 24, EmbeddingSize = 5 }));
        using var loaded = OneShotClassifier.Load(Path.Combine(output, FaceSimilarityCommand.ClassifierFileName), network);
        loaded.Classes.Should().HaveCount(10);
    }

    [Theory]
    [InlineData(false, "48x56", 0, 30, 0.001, 5e-4, true)]
    [InlineData(true, "48x56", 0, 8, 0.001, 5e-4, true)]
    public void The_default_recipe_is_conv4_with_the_batch_hard_triplet_loss(bool embedded, string size, int embedding, int epochs, double lr, double wd, bool cosine)
    {
        var recipe = FaceRecipe.From(new FaceSimilaritySettings(), embedded);

        recipe.Encoder.Should().Be(EncoderChoice.Conv4);
        recipe.Loss.Should().Be(LossChoice.Triplet);
        recipe.Margin.Should().Be(0.5);
        $"{recipe.Width}x{recipe.Height}".Should().Be(size);
        recipe.EmbeddingSize.Should().Be(embedding);
        recipe.Epochs.Should().Be(epochs);
        recipe.LearningRate.Should().Be(lr);
        recipe.WeightDecay.Should().Be(wd);
        recipe.Pairs.Should().Be(!cosine);
    }

    [Fact]
    public void The_tutorials_flags_give_its_network_size_loss_margin_and_optimiser()
    {
        var recipe = FaceRecipe.From(new FaceSimilaritySettings { Encoder = EncoderChoice.FaceNet, Loss = LossChoice.Contrastive }, embedded: false);

        (recipe.Width, recipe.Height).Should().Be((100, 100));
        recipe.Margin.Should().Be(2);
        recipe.LearningRate.Should().Be(5e-4);
        recipe.WeightDecay.Should().Be(0);
        recipe.Pairs.Should().BeTrue("constant learning rate, pairs");
        recipe.BatchSize.Should().Be(64);
        FaceSimilarityCommand.Preprocessing(recipe).Mean.Should().BeNull("the tutorial's input is ToTensor only");
    }

    [Theory]
    [InlineData(LossChoice.CosFace, "CosFace loss (margin 0.35)")]
    [InlineData(LossChoice.ArcFace, "ArcFace loss (margin 0.3)")]
    [InlineData(LossChoice.SubCenterArcFace, "SubCenterArcFace loss (margin 0.3)")]
    [InlineData(LossChoice.ProxyAnchor, "ProxyAnchor loss (margin 0.1)")]
    [InlineData(LossChoice.MultiSimilarity, "MultiSimilarity loss")]
    [InlineData(LossChoice.SupCon, "SupCon loss")]
    [InlineData(LossChoice.Prototypical, "1-shot prototypical loss")]
    [InlineData(LossChoice.Triplet, "triplet (BatchHard miner) loss (margin 0.5)")]
    [InlineData(LossChoice.Bce, "Bce loss")]
    [InlineData(LossChoice.Circle, "Circle loss (margin 0.25)")]
    [InlineData(LossChoice.NTXent, "NTXent loss")]
    [InlineData(LossChoice.LiftedStructure, "LiftedStructure loss")]
    [InlineData(LossChoice.ProxyNca, "ProxyNca loss")]
    [InlineData(LossChoice.NormalizedSoftmax, "NormalizedSoftmax loss")]
    public void Every_loss_choice_trains_on_P_x_K_batches_and_ends_with_the_result_lines(LossChoice loss, string described)
    {
        var (code, output) = RunOneTinyEpoch("--loss", loss.ToString().ToLowerInvariant());

        code.Should().Be(ExitCodes.Success, output);
        output.Should().Contain(described);
        ResultLines(output);
    }

    [Theory]
    [InlineData(MinerChoice.BatchHard, typeof(BatchHardTripletMiner))]
    [InlineData(MinerChoice.BatchAll, typeof(BatchAllTripletMiner))]
    [InlineData(MinerChoice.SemiHard, typeof(SemiHardTripletMiner))]
    [InlineData(MinerChoice.BatchEasyHard, typeof(BatchEasyHardMiner))]
    [InlineData(MinerChoice.PairMargin, typeof(PairMarginMiner))]
    [InlineData(MinerChoice.MultiSimilarity, typeof(MultiSimilarityMiner))]
    [InlineData(MinerChoice.TripletMarginHard, typeof(TripletMarginMiner))]
    [InlineData(MinerChoice.TripletMarginSemiHard, typeof(TripletMarginMiner))]
    [InlineData(MinerChoice.TripletMarginEasy, typeof(TripletMarginMiner))]
    [InlineData(MinerChoice.TripletMarginAll, typeof(TripletMarginMiner))]
    public void Every_miner_choice_builds_its_miner_for_the_triplet_loss(MinerChoice miner, Type type)
    {
        var recipe = FaceRecipe.From(new FaceSimilaritySettings { Miner = miner }, embedded: false);
        using var loss = recipe.CreateLoss(classes: 26, embeddingSize: 64);

        loss.Should().BeOfType<TripletMarginLoss>().Which.Miner.Should().BeOfType(type);
        if (loss.Miner is TripletMarginMiner margin)
        {
            margin.Selection.ToString().Should().Be(miner.ToString()["TripletMargin".Length..]);
        }
    }

    [Fact]
    public void A_pair_miner_trains_the_triplet_loss_through_pairs_converted_to_triplets()
    {
        var (code, output) = RunOneTinyEpoch("--miner", "pairmargin");

        code.Should().Be(ExitCodes.Success, output);
        output.Should().Contain("triplet (PairMargin miner)");
        ResultLines(output);
    }

    [Fact]
    public void A_classification_loss_has_its_weight_rows_per_training_subject()
    {
        var recipe = FaceRecipe.From(new FaceSimilaritySettings { Loss = LossChoice.SubCenterArcFace }, embedded: false);
        using var loss = (Siamese.Net.Losses.ProxyLoss)recipe.CreateLoss(classes: 26, embeddingSize: 64);

        loss.Classes.Should().Be(26);
        loss.WeightsPerClass.Should().Be(3);
        loss.Weight.shape.Should().Equal(78, 64);
    }

    [Theory]
    [InlineData("56", 56, 56)]
    [InlineData("48x56", 48, 56)]
    [InlineData(" 48X56 ", 48, 56)]
    public void Image_sizes_are_a_side_or_width_x_height(string text, int width, int height) =>
        ImageSizeText.Parse(text).Should().Be((width, height));

    /// <summary>One epoch of two tiny P x K batches on 14 generated subjects, with the given extra options.</summary>
    private static (int Code, string Output) RunOneTinyEpoch(params string[] options)
    {
        using var temp = new TempFolder();
        string data = temp.Sub("faces");
        FaceDatasetGenerator.Generate(data, new FaceDatasetOptions { Subjects = 14, ImagesPerSubject = 4, Seed = 3 });
        var console = new TestConsole();
        console.Profile.Width = 200;

        int code = SampleHost.Run<FaceSimilarityCommand>(
            ["--data", data, "--output", temp.Sub("out"), .. options, "--epochs", "1", "--image-size", "16x20", "--embedding-size", "8",
             "--subjects-per-batch", "2", "--images-per-subject", "3", "--batches-per-epoch", "2", "--validation-subjects", "2", "--episodes", "20"],
            "FaceSimilarity", "test", console);
        return (code, console.Output);
    }

    private static string[] ResultLines(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("RESULT ", StringComparison.Ordinal)).ToArray();
        lines.Select(l => l.Split('=')[0]).Should().Equal(
            "RESULT baseline_raw_pixel_accuracy_10way_1shot", "RESULT baseline_raw_pixel_eer", "RESULT baseline_pca_accuracy_10way_1shot", "RESULT baseline_pca_eer",
            "RESULT eer", "RESULT auc", "RESULT accuracy_10way_1shot");
        output.TrimEnd().Split('\n')[^3..].Should().Equal(lines[^3..], "CI reads the three headline lines last");
        foreach (string line in lines)
        {
            double.Parse(line.Split('=')[1], CultureInfo.InvariantCulture).Should().BeInRange(0, 1);
        }

        return lines;
    }

    private static void ExpectOutputs(string output, string[] resultLines)
    {
        foreach (string file in new[] { "loss.png", "roc.png", "distances.png", "pairs.png", "results.txt", FaceSimilarityCommand.ClassifierFileName, "face-similarity.siamese-onnx" })
        {
            new FileInfo(Path.Combine(output, file)).Length.Should().BeGreaterThan(0, file);
        }

        File.ReadAllText(Path.Combine(output, "results.txt")).Should().Be(string.Join("\n", resultLines) + "\n");
    }

    [Fact]
    public void Subjects_split_in_numeric_order_unseen_by_default_and_the_tutorials_last_three()
    {
        var names = Enumerable.Range(1, 40).Select(n => $"s{n}").Order(StringComparer.Ordinal).ToArray();
        var images = names.SelectMany((_, c) => Enumerable.Range(1, 10).Select(k => new LabelledImage($"/att/{names[c]}/{k}.pgm", c))).ToArray();
        var faces = ImageFolderDataset.FromImages("/att", names, images);

        var unseen = OrderedClassSplit.Create(faces, testCount: 10, validationCount: 5);
        unseen.Test.ClassNames.Should().Equal(Enumerable.Range(31, 10).Select(n => $"s{n}"));
        unseen.Validation.ClassNames.Should().Equal(Enumerable.Range(26, 5).Select(n => $"s{n}"));
        unseen.Train.ClassNames.Should().Equal(Enumerable.Range(1, 25).Select(n => $"s{n}"));
        unseen.Test.Images.Should().HaveCount(100).And.OnlyContain(i => i.Path.StartsWith("/att/s3", StringComparison.Ordinal) || i.Path.StartsWith("/att/s40/", StringComparison.Ordinal));

        var tutorial = OrderedClassSplit.Create(faces, testCount: 3, validationCount: 5);
        tutorial.Test.ClassNames.Should().Equal("s38", "s39", "s40");
        tutorial.Validation.ClassNames.Should().Equal("s33", "s34", "s35", "s36", "s37");
        tutorial.Train.ClassCount.Should().Be(32);
    }

    [Theory]
    [InlineData(new[] { "--split", "random" }, "--split must be 'unseen' or 'tutorial'")]
    [InlineData(new[] { "--image-size", "4" }, "--image-size must be between 8 and 512")]
    [InlineData(new[] { "--image-size", "12x40" }, "at least 16x16 for conv4")]
    [InlineData(new[] { "--encoder", "facenet", "--embedding-size", "0" }, "--embedding-size must be at least 1, or 0 (no projection) with conv4")]
    [InlineData(new[] { "--images-per-subject", "1" }, "--images-per-subject must be at least 2")]
    [InlineData(new[] { "--episodes", "0" }, "--episodes must be at least 1")]
    [InlineData(new[] { "--precision", "half" }, "--precision must be 'float32' or 'mixed'")]
    public void Bad_options_exit_with_the_usage_code_and_say_why(string[] args, string expected)
    {
        var console = new TestConsole();
        console.Profile.Width = 200;

        int code = SampleHost.Run<FaceSimilarityCommand>(args, "FaceSimilarity", "test", console);

        code.Should().Be(ExitCodes.InvalidArguments);
        console.Output.Should().Contain(expected);
    }

    [Fact]
    public void Too_few_subjects_for_the_split_is_explained()
    {
        using var temp = new TempFolder();
        string data = temp.Sub("faces");
        FaceDatasetGenerator.Generate(data, new FaceDatasetOptions { Subjects = 12, ImagesPerSubject = 2, Seed = 1 });
        var console = new TestConsole();
        console.Profile.Width = 300;

        int code = SampleHost.Run<FaceSimilarityCommand>(["--data", data, "--output", temp.Sub("out")], "FaceSimilarity", "test", console);

        code.Should().Be(ExitCodes.Failure);
        console.Output.Should().Contain("has 12 subjects").And.Contain("needs at least 16");
    }
}
