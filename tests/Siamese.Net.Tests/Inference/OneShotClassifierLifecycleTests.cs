using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using TorchSharp;
using static Siamese.Net.Tests.Inference.OneShotClassifierTests;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Inference;

public sealed class OneShotClassifierLifecycleTests : IDisposable
{
    private static readonly ImagePreprocessing Preprocessing = new() { Width = 20, Height = 20 };
    private readonly string _folder = Directory.CreateTempSubdirectory("siamese-lifecycle-").FullName;
    private readonly DisposeScope _scope = NewDisposeScope();

    public void Dispose()
    {
        _scope.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Dispose_is_idempotent_even_inside_a_using_block()
    {
        using var encoder = MakeEncoder();
        using (var classifier = new OneShotClassifier(encoder, Preprocessing))
        {
            classifier.AddClassEmbeddings("a", ones(1, 8));
            classifier.Dispose();
            classifier.Dispose();
        }
    }

    [Fact]
    public void Every_use_after_dispose_names_the_classifier()
    {
        using var encoder = MakeEncoder();
        var classifier = new OneShotClassifier(encoder, Preprocessing);
        var image = Patterns(1, seed: 1)[0];
        classifier.AddClass("a", [image]);
        classifier.Dispose();

        var uses = new Dictionary<string, Action>
        {
            ["Predict"] = () => classifier.Predict(image),
            ["PredictBatch"] = () => classifier.PredictBatch([image]),
            ["PredictEmbeddings"] = () => classifier.PredictEmbeddings(ones(1, 8)),
            ["AddClass"] = () => classifier.AddClass("b", [image]),
            ["AddClassEmbeddings"] = () => classifier.AddClassEmbeddings("b", ones(1, 8)),
            ["RemoveClass"] = () => classifier.RemoveClass("a"),
            ["Embed"] = () => classifier.Embed([image]),
            ["Save"] = () => classifier.Save(Path.Combine(_folder, "x.siamese")),
            ["Classes"] = () => _ = classifier.Classes,
            ["GetClassEmbeddings"] = () => classifier.GetClassEmbeddings("a"),
        };
        foreach (var (name, use) in uses)
        {
            FluentActions.Invoking(use).Should().Throw<ObjectDisposedException>(name)
                .Which.ObjectName.Should().EndWith(nameof(OneShotClassifier), name);
        }

        File.Exists(Path.Combine(_folder, "x.siamese")).Should().BeFalse();
    }

    [Fact]
    public void Top_k_can_be_chosen_per_call()
    {
        using var encoder = MakeEncoder();
        using var classifier = new OneShotClassifier(encoder, Preprocessing, new OneShotClassifierOptions { TopK = 2 });
        var support = Patterns(5, seed: 2);
        for (int c = 0; c < 5; c++)
        {
            classifier.AddClass($"c{c}", [support[c]]);
        }

        classifier.Predict(support[0]).Candidates.Should().HaveCount(2);
        classifier.Predict(support[0], topK: 4).Candidates.Should().HaveCount(4);
        classifier.PredictBatch([support[0], support[1]], topK: 1).Select(p => p.Candidates.Count).Should().Equal(1, 1);
        classifier.Predict(support[0], topK: 50).Candidates.Should().HaveCount(5, "there are only five classes");
        FluentActions.Invoking(() => classifier.Predict(support[0], topK: 0))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "topK");
    }

    [Fact]
    public void An_unknown_query_has_no_label_but_keeps_its_nearest_class()
    {
        using var encoder = MakeEncoder();
        using var classifier = new OneShotClassifier(encoder, Preprocessing, new OneShotClassifierOptions { Threshold = 0 });
        classifier.AddClassEmbeddings("a", zeros(1, 8));

        var prediction = classifier.PredictEmbeddings(ones(1, 8))[0];

        prediction.Label.Should().BeNull();
        prediction.IsUnknown.Should().BeTrue();
        prediction.NearestLabel.Should().Be("a");
        prediction.Candidates[0].Label.Should().Be("a");
    }

    [Fact]
    public void Saving_a_classifier_whose_encoder_was_disposed_throws_and_leaves_the_good_file_alone()
    {
        var path = Path.Combine(_folder, "good.siamese");
        var encoder = MakeEncoder();
        using var classifier = new OneShotClassifier(encoder, Preprocessing);
        classifier.AddClass("a", Patterns(1, seed: 3));
        classifier.Save(path);
        var good = File.ReadAllBytes(path);

        encoder.Dispose();

        FluentActions.Invoking(() => classifier.Save(path)).Should().Throw<ObjectDisposedException>().WithMessage("*encoder was disposed*");
        File.ReadAllBytes(path).Should().Equal(good);
        Directory.GetFiles(_folder).Should().Equal([path], "no temporary file is left behind");
        using var loaded = OneShotClassifier.Load(path);
        loaded.Classes.Should().Equal("a");
        loaded.Encoder.Dispose();
    }
}
