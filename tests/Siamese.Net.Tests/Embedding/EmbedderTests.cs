using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Embedding;
using Siamese.Net.Encoders;
using Siamese.Net.Imaging;
using TorchSharp;
using static Siamese.Net.Tests.Inference.OneShotClassifierTests;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Embedding;

public sealed class EmbedderTests : IDisposable
{
    private static readonly ImagePreprocessing Preprocessing = new() { Width = 20, Height = 20 };
    private readonly DisposeScope _scope = NewDisposeScope();

    public void Dispose() => _scope.Dispose();

    /// <summary>Records the train/eval mode and grad mode it saw in each forward.</summary>
    private sealed class Probe : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> inner = nn.Linear(4, 3);

        public Probe() : base(nameof(Probe)) => RegisterComponents();

        public List<(bool Training, bool Grad, long Rows)> Seen { get; } = [];

        public override Tensor forward(Tensor input)
        {
            lock (Seen)
            {
                Seen.Add((training, is_grad_enabled(), input.shape[0]));
            }

            return inner.call(input.flatten(1));
        }
    }

    [Fact]
    public void Embed_runs_in_eval_mode_without_grad_in_chunks_and_restores_training_mode()
    {
        using var probe = new Probe();
        probe.train();
        var embedder = new Embedder(probe, options: new EmbedderOptions { BatchSize = 2 });

        using var embeddings = embedder.EmbedPreprocessed(rand(5, 1, 2, 2));

        embeddings.shape.Should().Equal(5, 3);
        embeddings.requires_grad.Should().BeFalse();
        embeddings.device_type.Should().Be(DeviceType.CPU);
        probe.Seen.Should().Equal((false, false, 2L), (false, false, 2L), (false, false, 1L));
        probe.training.Should().BeTrue("the previous mode is restored");
        probe.eval();
        embedder.EmbedPreprocessed(rand(1, 1, 2, 2)).Dispose();
        probe.training.Should().BeFalse("an eval-mode network stays in eval mode");
    }

    [Fact]
    public void Concurrent_embeds_all_run_in_eval_mode_and_the_last_one_restores_training()
    {
        using var probe = new Probe();
        probe.train();
        var embedder = new Embedder(probe, options: new EmbedderOptions { BatchSize = 1 });
        using var batch = rand(4, 1, 2, 2);

        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            using var scope = NewDisposeScope();
            embedder.EmbedPreprocessed(batch);
        });

        probe.Seen.Should().HaveCount(64).And.OnlyContain(s => !s.Training && !s.Grad);
        probe.training.Should().BeTrue();
    }

    [Fact]
    public void A_forward_hook_the_user_registered_fires()
    {
        using var encoder = MakeEncoder();
        int calls = 0;
        var handle = encoder.register_forward_hook((_, _, output) =>
        {
            calls++;
            return output;
        });
        var embedder = new Embedder(encoder, Preprocessing, new EmbedderOptions { BatchSize = 3 });

        embedder.Embed(Patterns(7, seed: 1)).Dispose();

        handle.remove();
        calls.Should().Be(3, "seven images in chunks of three are three calls");
    }

    [Fact]
    public void Chunking_does_not_change_the_embeddings()
    {
        using var encoder = MakeEncoder();
        var images = Patterns(5, seed: 2);

        using var small = new Embedder(encoder, Preprocessing, new EmbedderOptions { BatchSize = 2 }).Embed(images);
        using var large = new Embedder(encoder, Preprocessing).Embed(images);

        small.allclose(large, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
    }

    [Fact]
    public void Files_and_a_dataset_embed_like_their_decoded_images_with_class_ids()
    {
        var root = Directory.CreateTempSubdirectory("siamese-embedder-").FullName;
        try
        {
            using var encoder = MakeEncoder();
            var patterns = Patterns(4, seed: 3, height: 20, width: 20);
            var paths = new List<string>();
            for (int i = 0; i < 4; i++)
            {
                var folder = Directory.CreateDirectory(Path.Combine(root, $"class{i / 2}")).FullName;
                paths.Add(WritePgm(patterns[i], Path.Combine(folder, $"{i}.pgm")));
            }

            var embedder = new Embedder(encoder, Preprocessing);
            using var fromFiles = embedder.Embed(paths);
            using var fromDataset = embedder.Embed(ImageFolderDataset.Load(root));

            fromDataset.ClassIds.data<long>().ToArray().Should().Equal(0, 0, 1, 1);
            fromDataset.ClassNames.Should().Equal("class0", "class1");
            fromDataset.Embeddings.allclose(fromFiles).Should().BeTrue();
            using var fromImages = embedder.Embed(patterns.Select(p => (p * 255).round() / 255).ToArray());
            fromFiles.allclose(fromImages, rtol: 1e-4, atol: 1e-5).Should().BeTrue("an 8-bit file decodes to the same pixels");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Distance_of_is_the_one_rule_network_then_fallback_then_euclidean()
    {
        using var encoder = MakeEncoder();
        using var cosineNetwork = new SiameseNetwork(MakeEncoder(), new CosineDistance());
        var manhattan = new ManhattanDistance();

        Embedder.DistanceOf(cosineNetwork).Should().BeSameAs(cosineNetwork.Distance);
        Embedder.DistanceOf(cosineNetwork, new CosineDistance()).Should().BeSameAs(cosineNetwork.Distance);
        Embedder.DistanceOf(encoder, manhattan).Should().BeSameAs(manhattan);
        Embedder.DistanceOf(encoder).Should().BeOfType<EuclideanDistance>();
        new Embedder(cosineNetwork).Distance.Should().BeSameAs(cosineNetwork.Distance);
        FluentActions.Invoking(() => new Embedder(cosineNetwork, distance: manhattan))
            .Should().Throw<ArgumentException>().WithMessage("*'manhattan'*built with 'cosine'*");
    }

    [Fact]
    public void Bad_input_says_what_is_wrong()
    {
        using var encoder = MakeEncoder();
        FluentActions.Invoking(() => new EmbedderOptions { BatchSize = 0 })
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "BatchSize").WithMessage("*at least 1*0*");
        FluentActions.Invoking(() => new Embedder(encoder, new ImagePreprocessing { Width = 28, Height = 28 }))
            .Should().Throw<ArgumentException>().WithMessage("*expects images [N, 1, 20, 20]*produces [1, 28, 28]*");
        FluentActions.Invoking(() => new Embedder(encoder).Embed(Patterns(1, seed: 4)))
            .Should().Throw<InvalidOperationException>().WithMessage("*without an ImagePreprocessing*");
        var embedder = new Embedder(encoder, Preprocessing);
        FluentActions.Invoking(() => embedder.Embed(Array.Empty<Tensor>())).Should().Throw<ArgumentException>().WithMessage("*nothing to embed*");
        FluentActions.Invoking(() => embedder.Embed(new[] { rand(20, 20) })).Should().Throw<ArgumentException>().WithMessage("*images[0]*[20, 20]*");
        FluentActions.Invoking(() => embedder.Embed(new[] { "" })).Should().Throw<ArgumentException>().WithMessage("*paths[0]*");
        using var flatten = nn.Flatten(0);
        FluentActions.Invoking(() => new Embedder(flatten).EmbedPreprocessed(rand(2, 3)))
            .Should().Throw<InvalidOperationException>().WithMessage("*returned [6] for 2 images*");
    }

    private static string WritePgm(Tensor image, string path)
    {
        var pixels = (image.squeeze(0) * 255).round().to(ScalarType.Byte).data<byte>().ToArray();
        using var file = File.Create(path);
        file.Write(System.Text.Encoding.ASCII.GetBytes($"P5\n{image.shape[2]} {image.shape[1]}\n255\n"));
        file.Write(pixels);
        return path;
    }
}
