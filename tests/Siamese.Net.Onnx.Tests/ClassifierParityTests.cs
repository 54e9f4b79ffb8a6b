using Siamese.Net.Inference;
using Siamese.Net.Search;
using Siamese.Net.Tests.TestSupport;

namespace Siamese.Net.Onnx.Tests;

public class ClassifierParityTests
{
    [Theory]
    [InlineData(KShotAggregation.NearestSample, false)]
    [InlineData(KShotAggregation.Prototype, true)]
    public void A_bundle_from_the_core_classifier_predicts_the_same_labels_and_unknowns(KShotAggregation aggregation, bool cosine)
    {
        using var folder = new TempDirectory();
        var (support, known, strangers) = Fixtures.WriteImages(folder.Path);
        string[] queries = [.. known, .. strangers];
        using var encoder = Fixtures.TrainedEncoder();
        using var core = new OneShotClassifier(encoder, Fixtures.Preprocessing, new OneShotClassifierOptions
        {
            TopK = 3,
            Aggregation = aggregation,
            Distance = cosine ? new Distances.CosineDistance() : new Distances.EuclideanDistance(),
        });
        foreach (var (label, paths) in support)
        {
            core.AddClass(label, paths);
        }

        // Calibrate on the core's own distances so that both known and unknown answers occur.
        core.Threshold = Fixtures.ThresholdInWidestGap(core.PredictBatch(queries).Select(p => p.Distance).ToArray());
        var expected = core.PredictBatch(queries);
        expected.Should().Contain(p => p.IsUnknown).And.Contain(p => !p.IsUnknown);

        string bundle = folder.Combine("classifier.siamese-onnx");
        Fixtures.WriteBundle(bundle, core);
        using var deployed = OnnxOneShotClassifier.Load(bundle);
        deployed.Classes.Should().Equal(core.Classes);
        deployed.Threshold.Should().Be(core.Threshold);
        var actual = deployed.PredictBatch(queries);
        for (int i = 0; i < queries.Length; i++)
        {
            actual[i].Label.Should().Be(expected[i].Label, Path.GetFileName(queries[i]));
            actual[i].NearestLabel.Should().Be(expected[i].NearestLabel);
            actual[i].Distance.Should().BeApproximately(expected[i].Distance, 1e-4 * Math.Max(1, expected[i].Distance));
            actual[i].Candidates.Select(c => c.Label).Should().Equal(expected[i].Candidates.Select(c => c.Label));
        }
    }

    [Fact]
    public void Enrolment_on_the_deployed_side_matches_enrolment_in_the_core()
    {
        using var folder = new TempDirectory();
        var (support, known, _) = Fixtures.WriteImages(folder.Path, seed: 21);
        using var encoder = Fixtures.TrainedEncoder(seed: 9);
        using var core = new OneShotClassifier(encoder, Fixtures.Preprocessing);
        foreach (var (label, paths) in support)
        {
            core.AddClass(label, paths);
        }

        string bundle = folder.Combine("empty.siamese-onnx");
        var emptyCore = new OneShotClassifier(encoder, Fixtures.Preprocessing);
        Fixtures.WriteBundle(bundle, emptyCore);
        using var deployed = OnnxOneShotClassifier.Load(bundle);
        deployed.Classes.Should().BeEmpty();
        foreach (var (label, paths) in support)
        {
            deployed.AddClass(label, paths);
        }

        foreach (var label in support.Keys)
        {
            using var coreRows = core.GetClassEmbeddings(label);
            Parity.MaxRelativeDifference(deployed.GetClassEmbeddings(label), coreRows.contiguous().data<float>().ToArray(), deployed.EmbeddingSize)
                .Should().BeLessThan(1e-4);
        }

        deployed.PredictBatch(known).Select(p => p.Label).Should().Equal(core.PredictBatch(known).Select(p => p.Label));
    }

    [Theory]
    [InlineData("horizontal-flip")]
    [InlineData("shifts-1")]
    [InlineData("shifts-2")]
    public void A_bundle_embeds_with_the_classifiers_test_time_augmentation(string name)
    {
        using var folder = new TempDirectory();
        var (support, known, strangers) = Fixtures.WriteImages(folder.Path, seed: 31);
        string[] queries = [.. known, .. strangers];
        using var encoder = Fixtures.TrainedEncoder(seed: 5);
        var augmentation = Embedding.TestTimeAugmentation.Parse(name);
        using var core = new OneShotClassifier(encoder, Fixtures.Preprocessing, new OneShotClassifierOptions { TestTimeAugmentation = augmentation });
        using var plainCore = new OneShotClassifier(encoder, Fixtures.Preprocessing);
        foreach (var (label, paths) in support)
        {
            core.AddClass(label, paths);
        }

        string bundle = folder.Combine("augmented.siamese-onnx");
        Fixtures.WriteBundle(bundle, core);
        using var deployed = OnnxOneShotClassifier.Load(bundle);

        using var expected = core.Embed(queries);
        using var unaugmented = plainCore.Embed(queries);
        float[] actual = deployed.Embedder.Embed(queries);
        Parity.MaxRelativeDifference(actual, expected.contiguous().data<float>().ToArray(), deployed.EmbeddingSize).Should().BeLessThan(1e-4);
        Parity.MaxRelativeDifference(actual, unaugmented.contiguous().data<float>().ToArray(), deployed.EmbeddingSize)
            .Should().BeGreaterThan(1e-3, "the views are part of the exported graph");
        deployed.PredictBatch(queries).Select(p => p.Label).Should().Equal(core.PredictBatch(queries).Select(p => p.Label));
    }
}
