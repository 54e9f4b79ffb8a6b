using Siamese.Net.Distances;
using Siamese.Net.Encoders;
using Siamese.Net.Evaluation;
using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using Siamese.Net.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Inference;

/// <summary>
/// The one-shot classifier on synthetic images with a small randomly initialised CNN: a continuous encoder maps a
/// slightly noisy copy of a support image nearer to it than to unrelated random images, which is all these tests need.
/// </summary>
public sealed class OneShotClassifierTests : IDisposable
{
    private static readonly ImagePreprocessing Preprocessing = new() { Width = 20, Height = 20 };
    private readonly string _folder = Directory.CreateTempSubdirectory("siamese-oneshot-").FullName;
    private readonly DisposeScope _scope = NewDisposeScope();

    public void Dispose()
    {
        _scope.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    internal static SmallCnn MakeEncoder(int embeddingSize = 8, int seed = 1)
    {
        // The seed decides the weights (EncoderOptions.Seed), so encoders of different seeds really differ.
        return new SmallCnn(new EncoderOptions { InputHeight = 20, InputWidth = 20, EmbeddingSize = embeddingSize, Seed = seed });
    }

    internal static Tensor[] Patterns(int count, int seed, long height = 24, long width = 24)
    {
        var generator = new Generator((ulong)seed);
        return Enumerable.Range(0, count).Select(_ => rand(1, height, width, generator: generator)).ToArray();
    }

    internal static Tensor Noisy(Tensor image, int seed) =>
        (image + (0.01 * randn(image.shape, generator: new Generator((ulong)seed)))).clamp(0, 1);

    [Fact]
    public void Predict_finds_the_class_of_a_noisy_copy_with_ranked_candidates()
    {
        using var classifier = new OneShotClassifier(MakeEncoder(), Preprocessing, new OneShotClassifierOptions { TopK = 3 });
        var support = Patterns(5, seed: 10);
        for (int c = 0; c < 5; c++)
        {
            classifier.AddClass($"class{c}", [support[c]]);
        }

        var queries = support.Select((s, i) => Noisy(s, 100 + i)).ToArray();
        var batch = classifier.PredictBatch(queries);

        batch.Select(p => p.Label).Should().Equal("class0", "class1", "class2", "class3", "class4");
        for (int i = 0; i < 5; i++)
        {
            var single = classifier.Predict(queries[i]);
            single.Label.Should().Be(batch[i].Label);
            single.Distance.Should().BeApproximately(batch[i].Distance, 1e-4);
            single.IsUnknown.Should().BeFalse("no threshold is set");
            single.Similarity.Should().BeApproximately(1 / (1 + single.Distance), 1e-12);
            single.Candidates.Should().HaveCount(3);
            single.Candidates[0].Label.Should().Be(single.Label);
            single.Candidates.Select(c => c.Distance).Should().BeInAscendingOrder();
        }
    }

    [Fact]
    public void A_query_past_the_threshold_is_unknown_no_match_found()
    {
        var support = Patterns(3, seed: 11);
        using var classifier = new OneShotClassifier(MakeEncoder(), Preprocessing);
        for (int c = 0; c < 3; c++)
        {
            classifier.AddClass($"c{c}", [support[c]]);
        }

        var near = classifier.Predict(Noisy(support[1], 5));
        var stranger = classifier.Predict(Patterns(1, seed: 99)[0]);
        stranger.Distance.Should().BeGreaterThan(near.Distance);

        classifier.Threshold = (near.Distance + stranger.Distance) / 2;
        var accepted = classifier.Predict(Noisy(support[1], 5));
        var rejected = classifier.Predict(Patterns(1, seed: 99)[0]);

        accepted.IsUnknown.Should().BeFalse();
        accepted.Label.Should().Be("c1");
        accepted.NearestLabel.Should().Be("c1");
        rejected.IsUnknown.Should().BeTrue();
        rejected.Label.Should().BeNull("an unknown query has no label");
        rejected.NearestLabel.Should().NotBeNullOrEmpty("the nearest class is still reported");
        rejected.ToString().Should().StartWith("No match found");
    }

    [Fact]
    public void A_threshold_calibrated_on_validation_distances_is_used_as_is()
    {
        var support = Patterns(4, seed: 12);
        using var classifier = new OneShotClassifier(MakeEncoder(), Preprocessing);
        using var same = classifier.Embed(support.Select((s, i) => Noisy(s, 200 + i)).ToArray());
        using var anchors = classifier.Embed(support);
        using var others = classifier.Embed(Patterns(4, seed: 13));
        var sameDistances = classifier.Distance.Pairwise(anchors, same).data<float>().ToArray();
        var otherDistances = classifier.Distance.Pairwise(anchors, others).data<float>().ToArray();
        var validation = VerificationScores.FromDistances(
            sameDistances.Concat(otherDistances).Select(d => (double)d).ToArray(),
            Enumerable.Repeat(PairLabel.Same, 4).Concat(Enumerable.Repeat(PairLabel.Different, 4)).ToArray());

        var calibrated = ThresholdCalibration.ForBestAccuracy(validation);
        classifier.UseThreshold(calibrated);

        classifier.Threshold.Should().Be(calibrated.Threshold);
        calibrated.Accuracy.Should().Be(1, "noisy copies are far nearer than unrelated images");
        FluentActions.Invoking(() => classifier.UseThreshold(VerificationScores.FromSimilarities([0.9, 0.1], [true, false]).Eer().AtThreshold))
            .Should().Throw<ArgumentException>().WithMessage("*similarity*distance*");
    }

    [Fact]
    public void Queries_of_another_size_or_colour_are_converted_by_the_training_preprocessing()
    {
        var support = Patterns(2, seed: 14);
        using var classifier = new OneShotClassifier(MakeEncoder(), Preprocessing);
        classifier.AddClass("a", [support[0]]);
        classifier.AddClass("b", [support[1]]);

        // The same picture as RGB at another size: the preprocessing converts to grey 20x20 as in training.
        var rgbLarger = nn.functional.interpolate(support[1].unsqueeze(0), [48, 48], mode: InterpolationMode.Bilinear, align_corners: false)
            .squeeze(0).expand(3, -1, -1).contiguous();

        classifier.Predict(rgbLarger).Label.Should().Be("b");
        FluentActions.Invoking(() => classifier.Predict(rand(2, 20, 20)))
            .Should().Throw<ArgumentException>().WithMessage("*images[0] cannot be preprocessed*1 or 3 channels*");
        FluentActions.Invoking(() => classifier.Predict(rand(1, 1, 20, 20)))
            .Should().Throw<ArgumentException>().WithMessage("*images[0] has shape [1, 1, 20, 20]*[C, H, W]*");
    }

    [Fact]
    public void Support_and_queries_can_be_image_files()
    {
        var support = Patterns(3, seed: 15);
        var paths = support.Select((s, i) => WritePgm(s, $"support{i}.pgm")).ToArray();
        var queryPath = WritePgm(Noisy(support[2], 7), "query.pgm");
        using var classifier = new OneShotClassifier(MakeEncoder(), Preprocessing);
        classifier.AddClass("x", [paths[0]]);
        classifier.AddClass("y", [paths[1]]);
        classifier.AddClass("z", [paths[2]]);

        classifier.Predict(queryPath).Label.Should().Be("z");
        classifier.PredictBatch([queryPath, paths[0]]).Select(p => p.Label).Should().Equal("z", "x");
        FluentActions.Invoking(() => classifier.Predict(Path.Combine(_folder, "missing.png"))).Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void A_folder_per_class_support_set_is_added_with_k_shots_per_class()
    {
        var support = Patterns(3, seed: 21);
        foreach (var (name, index) in new[] { ("cat", 0), ("dog", 1), ("eel", 2) })
        {
            Directory.CreateDirectory(Path.Combine(_folder, "support", name));
            WritePgm(support[index], Path.Combine("support", name, "a.pgm"));
            WritePgm(Noisy(support[index], 50 + index), Path.Combine("support", name, "b.pgm"));
        }

        using var classifier = new OneShotClassifier(MakeEncoder(), Preprocessing);
        classifier.AddClasses(Siamese.Net.Data.ImageFolderDataset.Load(Path.Combine(_folder, "support")), shotsPerClass: 1);

        classifier.Classes.Should().Equal("cat", "dog", "eel");
        classifier.GetClassEmbeddings("dog").shape.Should().Equal(1, 8);
        classifier.Predict(Noisy(support[2], 77)).Label.Should().Be("eel");
    }

    [Fact]
    public void Removing_a_class_keeps_the_other_embeddings_and_answers()
    {
        var support = Patterns(4, seed: 16);
        using var classifier = new OneShotClassifier(MakeEncoder(), Preprocessing);
        for (int c = 0; c < 4; c++)
        {
            classifier.AddClass($"c{c}", [support[c], Noisy(support[c], 300 + c)]);
        }

        var before = Enumerable.Range(0, 4).Select(c => classifier.GetClassEmbeddings($"c{c}")).ToArray();

        classifier.RemoveClass("c1").Should().BeTrue();

        classifier.Classes.Should().Equal("c0", "c2", "c3");
        foreach (int c in new[] { 0, 2, 3 })
        {
            classifier.GetClassEmbeddings($"c{c}").eq(before[c]).all().item<bool>().Should().BeTrue();
        }

        classifier.Predict(Noisy(support[1], 9)).Label.Should().NotBe("c1");
        classifier.Predict(Noisy(support[3], 9)).Label.Should().Be("c3");
    }

    [Fact]
    public void Prototype_aggregation_ranks_by_the_class_mean()
    {
        using var classifier = new OneShotClassifier(
            MakeEncoder(), Preprocessing, new OneShotClassifierOptions { Aggregation = KShotAggregation.Prototype, Distance = new ManhattanDistance() });
        // Class a: samples at 0 and 10 (mean 5); class b: one sample at 4. A query at 1 is nearest to a's sample 0,
        // but nearest to b's prototype.
        classifier.AddClassEmbeddings("a", tensor(new float[] { 0, 10 }, 2, 1));
        classifier.AddClassEmbeddings("b", tensor(new float[] { 4 }, 1, 1));

        var prediction = classifier.PredictEmbeddings(tensor(new float[] { 1 }, 1, 1))[0];

        prediction.Label.Should().Be("b");
        prediction.Distance.Should().BeApproximately(3, 1e-6);
        prediction.Candidates.Select(c => c.Label).Should().Equal("b", "a");
        prediction.Candidates[1].Distance.Should().BeApproximately(4, 1e-6);
    }

    [Fact]
    public void A_siamese_network_brings_its_distance()
    {
        using var classifier = new OneShotClassifier(new SiameseNetwork(MakeEncoder(), new CosineDistance()), Preprocessing);
        classifier.AddClass("a", Patterns(1, seed: 17));

        var prediction = classifier.Predict(Patterns(1, seed: 18)[0]);

        classifier.Distance.Should().BeOfType<CosineDistance>();
        prediction.Similarity.Should().BeApproximately(1 - prediction.Distance, 1e-12);
    }

    [Fact]
    public void A_supplied_index_is_used_and_must_agree_with_the_options()
    {
        ExactSupportIndex? created = null;
        var options = new OneShotClassifierOptions
        {
            Distance = new CosineDistance(),
            Aggregation = KShotAggregation.Prototype,
            SupportIndex = (metric, aggregation) => created = new ExactSupportIndex(metric, aggregation),
        };
        using var classifier = new OneShotClassifier(MakeEncoder(), Preprocessing, options);
        classifier.AddClassEmbeddings("a", ones(1, 8));
        classifier.AddClassEmbeddings("b", -ones(1, 8));

        classifier.Index.Should().BeSameAs(created);
        created!.Metric.Should().BeSameAs(KnownMetrics.Cosine);
        created.Classes.Should().Equal("a", "b");
        var prediction = classifier.PredictEmbeddings(ones(1, 8))[0];
        prediction.Label.Should().Be("a");
        prediction.Similarity.Should().BeApproximately(1, 1e-6);

        FluentActions.Invoking(() => new OneShotClassifier(MakeEncoder(), Preprocessing, options with { SupportIndex = (_, a) => new ExactSupportIndex(KnownMetrics.Euclidean, a) }))
            .Should().Throw<ArgumentException>().WithMessage("*ranks by 'euclidean'*distance is 'cosine'*");
        FluentActions.Invoking(() => new OneShotClassifier(MakeEncoder(), Preprocessing, options with { Distance = new ManhattanDistance() }))
            .Should().Throw<ArgumentException>().WithMessage("*'manhattan' distance has no vector metric*");
    }

    [Fact]
    public void Concurrent_predictions_equal_sequential_ones_even_while_classes_change()
    {
        var support = Patterns(6, seed: 19);
        using var classifier = new OneShotClassifier(MakeEncoder(), Preprocessing, new OneShotClassifierOptions { Threshold = 1e9 });
        for (int c = 0; c < 6; c++)
        {
            classifier.AddClass($"c{c}", [support[c]]);
        }

        var queries = Enumerable.Range(0, 24).Select(i => Noisy(support[i % 6], 400 + i)).ToArray();
        var sequential = queries.Select(q => classifier.Predict(q)).ToArray();
        var far = full(1, classifier.EmbeddingSize!.Value, 1e6f);

        var parallel = new OneShotPrediction[queries.Length];
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                classifier.AddClassEmbeddings("far-away", far);
                classifier.RemoveClass("far-away");
            }
        });
        Parallel.For(0, queries.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using var threadScope = NewDisposeScope();
            parallel[i] = classifier.Predict(queries[i]);
        });
        stop.Cancel();
        writer.Wait();

        for (int i = 0; i < queries.Length; i++)
        {
            parallel[i].Label.Should().Be(sequential[i].Label);
            parallel[i].Distance.Should().Be(sequential[i].Distance);
            parallel[i].Candidates.Should().Equal(sequential[i].Candidates.Where(c => c.Label != "far-away"));
        }
    }

    [Fact]
    public void Bad_input_says_what_is_wrong()
    {
        using var classifier = new OneShotClassifier(MakeEncoder(), Preprocessing);

        FluentActions.Invoking(() => classifier.Predict(rand(1, 20, 20)))
            .Should().Throw<InvalidOperationException>().WithMessage("*support set is empty*");
        FluentActions.Invoking(() => classifier.AddClass("a", Array.Empty<Tensor>()))
            .Should().Throw<ArgumentException>().WithMessage("*Class 'a' has no images*");
        FluentActions.Invoking(() => classifier.AddClass("a", Array.Empty<string>()))
            .Should().Throw<ArgumentException>().WithMessage("*Class 'a' has no images*");
        FluentActions.Invoking(() => classifier.AddClassEmbeddings("a", zeros(0, 8)))
            .Should().Throw<ArgumentException>().WithMessage("*class 'a' must be [K, D] with K >= 1*");
        FluentActions.Invoking(() => classifier.Threshold = -0.5)
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*non-negative*-0.5*");
        FluentActions.Invoking(() => classifier.Threshold = double.NaN)
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*NaN*");
        FluentActions.Invoking(() => new OneShotClassifierOptions { Threshold = double.NaN })
            .Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new OneShotClassifierOptions { TopK = 0 }).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new OneShotClassifier(MakeEncoder(), new ImagePreprocessing { Width = 28, Height = 28 }))
            .Should().Throw<ArgumentException>().WithMessage("*expects images [N, 1, 20, 20]*produces [1, 28, 28]*");
        classifier.AddClassEmbeddings("a", zeros(1, 8));
        FluentActions.Invoking(() => classifier.PredictEmbeddings(zeros(1, 5)))
            .Should().Throw<ArgumentException>().WithMessage("*[Q, 8]*[1, 5]*");
    }

    private string WritePgm(Tensor image, string name)
    {
        var pixels = (image.squeeze(0) * 255).round().to(ScalarType.Byte).data<byte>().ToArray();
        var path = Path.Combine(_folder, name);
        using var file = File.Create(path);
        file.Write(System.Text.Encoding.ASCII.GetBytes($"P5\n{image.shape[2]} {image.shape[1]}\n255\n"));
        file.Write(pixels);
        return path;
    }
}
