using System.IO.Compression;
using System.Text.Json.Nodes;
using Siamese.Net.Embedding;
using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using Siamese.Net.Search;
using Siamese.Net.Tests.Inference;
using static Siamese.Net.Tests.Inference.OneShotClassifierTests;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Embedding;

public sealed class TestTimeAugmentationTests : IDisposable
{
    private static readonly ImagePreprocessing Preprocessing = new() { Width = 20, Height = 20, Mean = [0.5f], Std = [0.25f] };
    private readonly string _folder = Directory.CreateTempSubdirectory("siamese-tta-").FullName;
    private readonly DisposeScope _scope = NewDisposeScope();

    public void Dispose()
    {
        _scope.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    public static TheoryData<string> Names => new() { "none", "horizontal-flip", "shifts-1", "shifts-3", "shifts-8" };

    [Theory]
    [MemberData(nameof(Names))]
    public void A_name_parses_back_to_the_same_views(string name)
    {
        var parsed = TestTimeAugmentation.Parse(name);

        parsed.Name.Should().Be(name);
        parsed.Should().Be(TestTimeAugmentation.Parse(parsed.ToString()));
        parsed.Views[0].Should().Be(new TestTimeView(false, 0, 0), "the image itself is always the first view");
        parsed.Views.Should().OnlyHaveUniqueItems();
    }

    [Theory]
    [InlineData("")]
    [InlineData("flip")]
    [InlineData("shifts-0")]
    [InlineData("shifts-9")]
    [InlineData("shifts-01")]
    [InlineData("Shifts-1")]
    public void An_unknown_name_is_refused_with_the_choices(string name)
    {
        FluentActions.Invoking(() => TestTimeAugmentation.Parse(name)).Should().Throw<FormatException>()
            .WithMessage($"'{name}'*'none', 'horizontal-flip' or 'shifts-1' to 'shifts-8'*");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [InlineData(-1)]
    public void Shifts_outside_one_to_eight_pixels_are_refused(int pixels)
    {
        FluentActions.Invoking(() => TestTimeAugmentation.Shifts(pixels)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(pixels));
    }

    [Fact]
    public void Shifts_are_the_image_and_its_four_moves_right_left_down_and_up()
    {
        TestTimeAugmentation.Shifts(2).Views.Select(v => (v.ShiftX, v.ShiftY)).Should().Equal((0, 0), (2, 0), (-2, 0), (0, 2), (0, -2));
        TestTimeAugmentation.Shifts(2).Views.Should().OnlyContain(v => !v.Mirror);
        TestTimeAugmentation.HorizontalFlip.Views.Should().Equal(new TestTimeView(false, 0, 0), new TestTimeView(true, 0, 0));
    }

    [Fact]
    public void The_shared_presets_views_cannot_be_changed()
    {
        TestTimeAugmentation.HorizontalFlip.Views.Should().NotBeAssignableTo<TestTimeView[]>();
        TestTimeAugmentation.HorizontalFlip.Views.Should().BeAssignableTo<System.Collections.ObjectModel.ReadOnlyCollection<TestTimeView>>();
    }

    [Fact]
    public void A_shift_moves_the_content_and_repeats_the_edge()
    {
        // Columns 0..5 hold their index; one bright pixel at row 2, column 3.
        var image = arange(6, dtype: ScalarType.Float32).repeat(6, 1).reshape(1, 1, 6, 6).clone();
        image[0, 0, 2, 3] = tensor(100f);
        var shifts = TestTimeAugmentation.Shifts(1);
        int right = shifts.Views.ToList().IndexOf(new TestTimeView(false, 1, 0));
        int up = shifts.Views.ToList().IndexOf(new TestTimeView(false, 0, -1));

        using var moved = shifts.View(image, right);
        using var raised = shifts.View(image, up);

        moved.shape.Should().Equal(1, 1, 6, 6);
        moved[0, 0, 2, 4].item<float>().Should().Be(100f, "the pixel moved one column right");
        moved[0, 0, 4, 0].item<float>().Should().Be(0f, "the uncovered left column repeats the edge column 0");
        moved[0, 0, 4, 5].item<float>().Should().Be(4f, "column 5 now shows column 4");
        raised[0, 0, 1, 3].item<float>().Should().Be(100f, "the pixel moved one row up");
        raised[0, 0, 5, 2].item<float>().Should().Be(2f, "the uncovered bottom row repeats the old bottom row");
    }

    [Fact]
    public void The_mirror_view_flips_left_to_right()
    {
        var image = rand(2, 1, 5, 7);

        using var view = TestTimeAugmentation.HorizontalFlip.View(image, 1);

        view.Should().NotBeSameAs(image);
        view.allclose(image.flip(3), rtol: 0, atol: 0).Should().BeTrue();
    }

    [Fact]
    public void The_embedding_is_the_mean_of_the_views_embeddings()
    {
        using var encoder = MakeEncoder(seed: 3);
        var images = rand(5, 1, 20, 20);
        var plain = new Embedder(encoder, Preprocessing);
        var shifted = new Embedder(encoder, Preprocessing, new EmbedderOptions { TestTimeAugmentation = TestTimeAugmentation.Shifts(1), BatchSize = 2 });

        using var expected = stack(TestTimeAugmentation.Shifts(1).Views.Select((_, v) => plain.EmbedPreprocessed(TestTimeAugmentation.Shifts(1).View(images, v)))).mean([0]);
        using var actual = shifted.EmbedPreprocessed(images);

        actual.allclose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
        using var unaugmented = plain.EmbedPreprocessed(images);
        unaugmented.allclose(actual, rtol: 1e-3, atol: 1e-4).Should().BeFalse("the shifted views change the embedding");
    }

    [Fact]
    public void With_flip_averaging_an_image_and_its_mirror_image_embed_identically()
    {
        using var encoder = MakeEncoder(seed: 4);
        var embedder = new Embedder(encoder, Preprocessing, new EmbedderOptions { TestTimeAugmentation = TestTimeAugmentation.HorizontalFlip });
        var images = Patterns(3, seed: 5, height: 20, width: 20);

        using var direct = embedder.Embed(images);
        using var mirrored = embedder.Embed(images.Select(i => i.flip(2)).ToArray());

        direct.allclose(mirrored, rtol: 0, atol: 0).Should().BeTrue("the mean of {x, mirror x} does not depend on which of the two comes in");
    }

    [Fact]
    public void Augmenting_a_batch_that_is_not_images_is_refused()
    {
        using var encoder = nn.Linear(6, 3);
        var embedder = new Embedder(encoder, options: new EmbedderOptions { TestTimeAugmentation = TestTimeAugmentation.HorizontalFlip });

        FluentActions.Invoking(() => embedder.EmbedPreprocessed(rand(4, 6))).Should().Throw<InvalidOperationException>()
            .WithMessage("*'horizontal-flip'*[N, C, H, W]*[4, 6]*");
    }

    [Fact]
    public void Null_is_refused_where_an_augmentation_is_set()
    {
        FluentActions.Invoking(() => new EmbedderOptions { TestTimeAugmentation = null! }).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => new OneShotClassifierOptions { TestTimeAugmentation = null! }).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void A_saved_classifier_keeps_its_augmentation_and_predicts_exactly_as_before()
    {
        var support = Patterns(3, seed: 40, height: 20, width: 20);
        var queries = support.Select((s, i) => Noisy(s, 700 + i)).ToArray();
        string path = Path.Combine(_folder, "flip.siamese");
        IReadOnlyList<OneShotPrediction> before;
        using (var original = new OneShotClassifier(MakeEncoder(seed: 6), Preprocessing, new OneShotClassifierOptions { TestTimeAugmentation = TestTimeAugmentation.HorizontalFlip }))
        {
            for (int c = 0; c < support.Length; c++)
            {
                original.AddClass($"c{c}", [support[c]]);
            }

            before = original.PredictBatch(queries);
            original.Save(path);
        }

        using var loaded = OneShotClassifier.Load(path);

        loaded.TestTimeAugmentation.Should().Be(TestTimeAugmentation.HorizontalFlip);
        loaded.PredictBatch(queries).Select(p => (p.Label, p.Distance)).Should().Equal(before.Select(p => (p.Label, p.Distance)));
        ReadManifest(path)["FormatVersion"]!.GetValue<int>().Should().Be(3, "a file that needs the views is one an older reader refuses");
        ReadManifest(path)["TestTimeAugmentation"]!.GetValue<string>().Should().Be("horizontal-flip");
    }

    [Fact]
    public void A_classifier_without_augmentation_keeps_the_format_every_reader_knows()
    {
        string path = Path.Combine(_folder, "plain.siamese");
        using (var classifier = new OneShotClassifier(MakeEncoder(), Preprocessing))
        {
            classifier.AddClassEmbeddings("only", ones(1, 8));
            classifier.Save(path);
        }

        ReadManifest(path)["FormatVersion"]!.GetValue<int>().Should().Be(2);
        ReadManifest(path).ContainsKey("TestTimeAugmentation").Should().BeFalse();
        using var loaded = OneShotClassifier.Load(path);
        loaded.TestTimeAugmentation.Should().Be(TestTimeAugmentation.None);
    }

    [Theory]
    [InlineData(3, "mirror", "test-time augmentation is invalid")]
    [InlineData(2, "horizontal-flip", "format version 2 does not match")]
    [InlineData(3, null, "format version 3 does not match")]
    public void A_manifest_whose_augmentation_is_unknown_or_contradicts_its_version_is_invalid_data(int version, string? name, string message)
    {
        string path = Path.Combine(_folder, "edited.siamese");
        using (var classifier = new OneShotClassifier(MakeEncoder(), Preprocessing, new OneShotClassifierOptions { TestTimeAugmentation = TestTimeAugmentation.Shifts(1) }))
        {
            classifier.AddClassEmbeddings("only", ones(1, 8));
            classifier.Save(path);
        }

        OneShotClassifierPersistenceTests.EditManifest(path, manifest =>
        {
            manifest["FormatVersion"] = version;
            manifest.Remove("TestTimeAugmentation");
            if (name is not null)
            {
                manifest["TestTimeAugmentation"] = name;
            }
        });

        FluentActions.Invoking(() => OneShotClassifier.Load(path)).Should().Throw<InvalidDataException>().WithMessage($"*{path}*{message}*");
    }

    private static JsonObject ReadManifest(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        using var reader = new StreamReader(zip.GetEntry("manifest.json")!.Open());
        return JsonNode.Parse(reader.ReadToEnd())!.AsObject();
    }
}
