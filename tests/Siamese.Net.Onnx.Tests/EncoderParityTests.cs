using Siamese.Net.Encoders;
using Siamese.Net.Onnx.Export;
using TorchSharp;
using static TorchSharp.torch;
using OnnxPreprocessing = Siamese.Net.Onnx.OnnxImagePreprocessing;

namespace Siamese.Net.Onnx.Tests;

public class EncoderParityTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Encoders => new()
    {
        "SigNet-LRN", "SigNet-BN", "Conv4", "Conv4-fc-normalized", "FaceSimilarityNet", "SmallCnn", "KochNet",
        "SiameseNetwork(Conv4)", "Sequential-all-layers", "Sequential-pads-and-conv-modes",
    };

    [Theory]
    [MemberData(nameof(Encoders))]
    public void Onnx_runtime_embeddings_equal_torchsharp_with_random_weights(string name) => CheckParity(name, trained: false);

    [Theory]
    [MemberData(nameof(Encoders))]
    public void Onnx_runtime_embeddings_equal_torchsharp_after_training_steps(string name) => CheckParity(name, trained: true);

    [Fact]
    public void Training_steps_move_the_batch_norm_statistics_the_trained_parity_relies_on()
    {
        using var encoder = new Conv4Encoder(new EncoderOptions { InputHeight = 28, InputWidth = 28 });
        Parity.Train(encoder, [4, 1, 28, 28]);
        var bn = encoder.modules().OfType<TorchSharp.Modules.BatchNorm2d>().First();
        bn.running_mean!.data<float>().ToArray().Max(Math.Abs).Should().BeGreaterThan(1e-3f);
        bn.running_var!.data<float>().ToArray().Max(v => Math.Abs(v - 1)).Should().BeGreaterThan(1e-3f);
    }

    [Fact]
    public void Batch_dimension_is_dynamic()
    {
        using var encoder = new Conv4Encoder(new EncoderOptions { InputHeight = 28, InputWidth = 28 });
        using var embedder = new OnnxEmbedder(OnnxExporter.Export(encoder), Grey(28, 28));
        foreach (int n in new[] { 1, 5 })
        {
            var images = Parity.RandomImages(n, 28 * 28, seed: n);
            var expected = Parity.TorchEmbed(encoder, images, [n, 1, 28, 28]);
            var actual = embedder.Embed(images);
            Parity.MaxRelativeDifference(actual, expected, embedder.EmbeddingSize).Should().BeLessThan(Tolerance);
        }
    }

    [Fact]
    public void Export_ignores_and_keeps_the_training_flag()
    {
        using var encoder = new SigNet(new EncoderOptions { InputHeight = 64, InputWidth = 64 }, SigNetVariant.BatchNorm);
        encoder.train();
        var bytes = OnnxExporter.Export(encoder);
        encoder.training.Should().BeTrue();
        using var embedder = new OnnxEmbedder(bytes, Grey(64, 64));
        var images = Parity.RandomImages(2, 64 * 64, seed: 3);
        // Dropout is the identity and BatchNorm uses running statistics in the export, as in eval mode.
        Parity.MaxRelativeDifference(embedder.Embed(images), Parity.TorchEmbed(encoder, images, [2, 1, 64, 64]), 128)
            .Should().BeLessThan(Tolerance);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(4, false)]
    [InlineData(5, false)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(6, true)]
    public void Local_response_norm_matches_at_every_size(int size, bool torchSharpModule)
    {
        // Strong alpha so the window matters: an off-by-one channel window changes the output by far more than 1e-4.
        using var model = torchSharpModule
            ? nn.Sequential(("lrn", nn.LocalResponseNorm(size, 1.0, 0.75, 1.0)))
            : nn.Sequential(("lrn", new Encoders.FastLocalResponseNorm(size, 1.0, 0.75, 1.0)));
        const int c = 7, h = 3, w = 4;
        var bytes = OnnxExporter.Export(model, new OnnxExportOptions { InputChannels = c, InputHeight = h, InputWidth = w });
        var images = Parity.RandomImages(2, c * h * w, seed: size).Select(v => (v * 4) - 2).ToArray();
        var expected = Parity.TorchEmbed(model, images, [2, c, h, w]);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(bytes);
        using var input = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(images, [2, c, h, w]);
        using var runOptions = new Microsoft.ML.OnnxRuntime.RunOptions();
        using var outputs = session.Run(runOptions, ["images"], [input], ["embeddings"]);
        var actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        Parity.MaxRelativeDifference(actual, expected, c * h * w).Should().BeLessThan(Tolerance);
    }

    private void CheckParity(string name, bool trained)
    {
        var (module, c, h, w) = Build(name);
        using (module)
        {
            if (trained)
            {
                Parity.Train(module, [4, c, h, w]);
            }

            var bytes = OnnxExporter.Export(module, new OnnxExportOptions { InputChannels = c, InputHeight = h, InputWidth = w });
            var preprocessing = new OnnxPreprocessing { Width = w, Height = h, ColorMode = c == 3 ? ColorMode.Rgb : ColorMode.Grayscale };
            using var embedder = new OnnxEmbedder(bytes, preprocessing);
            const int n = 3;
            var images = Parity.RandomImages(n, c * h * w, seed: name.Length);
            var expected = Parity.TorchEmbed(module, images, [n, c, h, w]);
            var actual = embedder.Embed(images);
            expected.Length.Should().Be(n * embedder.EmbeddingSize);
            double difference = Parity.MaxRelativeDifference(actual, expected, embedder.EmbeddingSize);
            output.WriteLine($"{name} {(trained ? "trained" : "random")}: max relative difference {difference:E2}");
            difference.Should().BeLessThan(Tolerance, $"{name} ({(trained ? "trained" : "random")} weights)");
        }
    }

    private static OnnxPreprocessing Grey(int h, int w) => new() { Width = w, Height = h };

    private static (nn.Module<Tensor, Tensor> Module, int C, int H, int W) Build(string name)
    {
        torch.manual_seed(name.Length + 11);
        return name switch
        {
            "SigNet-LRN" => (new SigNet(new EncoderOptions { InputHeight = 64, InputWidth = 72 }), 1, 64, 72),
            "SigNet-BN" => (new SigNet(new EncoderOptions { InputHeight = 64, InputWidth = 64 }, SigNetVariant.BatchNorm), 1, 64, 64),
            "Conv4" => (new Conv4Encoder(new EncoderOptions { InputChannels = 3, InputHeight = 32, InputWidth = 48 }), 3, 32, 48),
            "Conv4-fc-normalized" => (new Conv4Encoder(new EncoderOptions { InputHeight = 32, InputWidth = 32, EmbeddingSize = 16, NormalizeEmbeddings = true }), 1, 32, 32),
            "FaceSimilarityNet" => (new FaceSimilarityNet(new EncoderOptions { InputHeight = 24, InputWidth = 20 }), 1, 24, 20),
            "SmallCnn" => (new SmallCnn(new EncoderOptions { InputChannels = 3, InputHeight = 40, InputWidth = 40 }), 3, 40, 40),
            "KochNet" => (new KochNet(new EncoderOptions { InputHeight = 80, InputWidth = 80, EmbeddingSize = 256 }), 1, 80, 80),
            "SiameseNetwork(Conv4)" => (new SiameseNetwork(new Conv4Encoder(new EncoderOptions { InputHeight = 28, InputWidth = 28 })), 1, 28, 28),
            "Sequential-all-layers" => (AllLayers(), 1, 20, 20),
            "Sequential-pads-and-conv-modes" => (PadsAndConvModes(), 1, 9, 11),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }

    /// <summary>The other padding layers and convolution padding modes, nested Sequentials, Identity.</summary>
    private static nn.Module<Tensor, Tensor> PadsAndConvModes() => nn.Sequential(
        ("replicate", nn.ReplicationPad2d(1)),
        ("conv_reflect", nn.Conv2d(1, 4, 3, padding: 1, padding_mode: PaddingModes.Reflect)),
        ("zero", nn.ZeroPad2d(2)),
        ("constant", nn.ConstantPad2d(1, 0.5)),
        ("conv_same", nn.Conv2d(4, 4, 4, padding: Padding.Same)),
        ("block", nn.Sequential(("conv_replicate", nn.Conv2d(4, 3, 3, stride: 2, padding: 1, padding_mode: PaddingModes.Replicate)), ("id", nn.Identity()))),
        ("relu", nn.ReLU()),
        ("flatten", nn.Flatten()),
        ("fc", nn.Linear(3 * 9 * 10, 6)));

    [Fact]
    public void Appended_l2_normalisation_and_file_export_match()
    {
        // Children named like the graph's input and output must not take those names.
        using var model = nn.Sequential(("images", nn.Flatten()), ("embeddings", nn.Linear(12, 5)));
        var options = new OnnxExportOptions { InputChannels = 1, InputHeight = 3, InputWidth = 4, AppendL2Normalization = true };
        using var folder = new Siamese.Net.Tests.TestSupport.TempDirectory();
        string path = folder.Combine("model.onnx");
        OnnxExporter.Export(model, path, options);
        File.ReadAllBytes(path).Should().Equal(OnnxExporter.Export(model, options));
        using (var session = new Microsoft.ML.OnnxRuntime.InferenceSession(path))
        {
            session.InputMetadata.Keys.Should().Equal("images");
            session.OutputMetadata.Keys.Should().Equal("embeddings");
            session.InputMetadata["images"].Dimensions.Should().Equal(-1, 1, 3, 4);
        }

        using var embedder = new OnnxEmbedder(File.ReadAllBytes(path), new OnnxPreprocessing { Width = 4, Height = 3 });
        var images = Parity.RandomImages(4, 12, seed: 8);
        float[] expected;
        using (var noGrad = no_grad())
        using (var input = tensor(images, [4, 1, 3, 4]))
        using (var output = nn.functional.normalize(model.call(input), p: 2, dim: 1))
        {
            expected = output.data<float>().ToArray();
        }

        Parity.MaxRelativeDifference(embedder.Embed(images), expected, 5).Should().BeLessThan(Tolerance);
    }

    /// <summary>Every supported layer type once, including both LocalResponseNorms at odd and even sizes.</summary>
    private static nn.Module<Tensor, Tensor> AllLayers() => nn.Sequential(
        ("pad", nn.ReflectionPad2d(1)),
        ("conv1", nn.Conv2d(1, 6, 3)),
        ("bn1", nn.BatchNorm2d(6)),
        ("relu1", nn.ReLU()),
        ("lrn_lib_odd", new Encoders.FastLocalResponseNorm(3, 0.5, 0.75, 2.0)),
        ("lrn_lib_even", new Encoders.FastLocalResponseNorm(4, 1.0, 0.6, 1.0)),
        ("lrn_torch_odd", nn.LocalResponseNorm(5, 0.5, 0.75, 2.0)),
        ("lrn_torch_even", nn.LocalResponseNorm(2, 1.0, 0.75, 1.5)),
        ("pool1", nn.MaxPool2d(2, stride: 2)),
        ("conv2", nn.Conv2d(6, 8, 3, padding: 1)),
        ("tanh", nn.Tanh()),
        ("avg", nn.AvgPool2d(2)),
        ("drop2d", nn.Dropout2d(0.3)),
        ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(8 * 5 * 5, 32)),
        ("bn1d", nn.BatchNorm1d(32)),
        ("sigmoid", nn.Sigmoid()),
        ("drop", nn.Dropout(0.5)),
        ("inner", nn.Sequential(nn.Linear(32, 12), nn.ReLU())),
        ("fc2", nn.Linear(12, 10)));
}
