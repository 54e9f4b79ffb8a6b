using Siamese.Net.Data;
using Siamese.Net.Encoders;
using Siamese.Net.Losses;
using Siamese.Net.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Encoders;

/// <summary>
/// A seeded run repeats without the user seeding torch: the built-in encoders draw their initial weights from
/// <see cref="EncoderOptions.Seed"/> (default 42), never from torch's global generator, which TorchSharp seeds
/// differently in every process and other threads draw from.
/// </summary>
public sealed class SeededInitialisationTests
{
    public static TheoryData<string> Encoders => ["SmallCnn", "Conv4Encoder", "KochNet", "SigNet", "FaceSimilarityNet"];

    private static ImageEncoder Create(string name, EncoderOptions? options = null)
    {
        options ??= new EncoderOptions();
        return name switch
        {
            "SmallCnn" => new SmallCnn(options with { InputHeight = 20, InputWidth = 20, EmbeddingSize = 8 }),
            "Conv4Encoder" => new Conv4Encoder(options with { InputHeight = 16, InputWidth = 16, EmbeddingSize = 8 }),
            "KochNet" => new KochNet(options with { InputHeight = 65, InputWidth = 65, EmbeddingSize = 8 }),
            "SigNet" => new SigNet(options with { InputHeight = 48, InputWidth = 48, EmbeddingSize = 8 }),
            "FaceSimilarityNet" => new FaceSimilarityNet(options with { InputHeight = 16, InputWidth = 16, EmbeddingSize = 8 }),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    private static float[] Weights(nn.Module module)
    {
        using var scope = NewDisposeScope();
        return cat(module.parameters().Select(p => p.detach().flatten().cpu()).ToArray(), 0).data<float>().ToArray();
    }

    [Theory]
    [MemberData(nameof(Encoders))]
    public void The_same_seed_gives_bit_identical_weights_whatever_the_global_generator_holds(string name)
    {
        random.manual_seed(1);
        using var first = Create(name);
        random.manual_seed(2);
        using var second = Create(name);
        using var other = Create(name, new EncoderOptions { Seed = 43 });

        Weights(second).Should().Equal(Weights(first), "the default seed (42) decides the weights, not torch.manual_seed");
        Weights(other).Should().NotEqual(Weights(first), "another seed gives other weights");
    }

    [Theory]
    [MemberData(nameof(Encoders))]
    public void Seeded_weights_follow_pytorchs_default_distribution(string name)
    {
        using var encoder = Create(name);
        foreach (var (parameterName, p) in encoder.named_parameters())
        {
            if (p.dim() < 2)
            {
                continue; // biases and batch-norm parameters
            }

            double bound = 1.0 / Math.Sqrt(p.numel() / p.shape[0]);
            double max = p.abs().max().item<float>();
            max.Should().BeLessThanOrEqualTo(bound * (1 + 1e-6), parameterName);
            if (p.numel() >= 1000)
            {
                // U(-b, b) has standard deviation b / sqrt(3).
                p.std().item<float>().Should().BeApproximately((float)(bound / Math.Sqrt(3)), (float)(0.05 * bound), parameterName);
            }
        }
    }

    [Fact]
    public void A_null_seed_keeps_pytorchs_behaviour_of_drawing_from_the_global_generator()
    {
        var options = new EncoderOptions { Seed = null, InputHeight = 20, InputWidth = 20, EmbeddingSize = 8 };
        random.manual_seed(7);
        using var unseeded = new SmallCnn(options);
        using var seeded = new SmallCnn(options with { Seed = 42 });

        // Other test classes may draw from the global generator in parallel, so only the difference is certain:
        // a null seed leaves the weights PyTorch's constructors drew.
        Weights(unseeded).Should().NotEqual(Weights(seeded));
    }

    [Fact]
    public void Two_constructions_and_fits_with_the_same_seed_end_with_bit_identical_weights_and_losses()
    {
        (float[] Weights, double[] Losses) Run(long globalSeed)
        {
            random.manual_seed(globalSeed); // what a user did not do: must not matter
            using var network = new SiameseNetwork(new SmallCnn(new EncoderOptions { InputHeight = 20, InputWidth = 20, EmbeddingSize = 8 }));
            using var loss = new ContrastiveLoss();
            var rng = new Random(4);
            var classIds = Enumerable.Range(0, 32).Select(i => i / 4).ToArray();
            var values = classIds.SelectMany(c => Enumerable.Range(0, 400).Select(j => (float)(((c * 37) + j) % 17 / 17.0) + (0.1f * (float)rng.NextDouble()))).ToArray();
            using var dataset = new TensorDataset(tensor(values, [32, 1, 20, 20]), classIds);
            var source = new TensorBatchSource(dataset, new PKSampler(classIds, new PKSamplerOptions { ClassesPerBatch = 4, ItemsPerClass = 2, Seed = 1 }), batchesPerEpoch: 3);
            var result = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 2, KeepBest = false }).Fit(network, loss, source);
            return (Weights(network), result.History.Select(e => e.TrainingLoss).ToArray());
        }

        var first = Run(globalSeed: 100);
        var second = Run(globalSeed: 200);

        second.Losses.Should().Equal(first.Losses);
        second.Weights.Should().Equal(first.Weights);
    }

    [Fact]
    public void A_user_encoder_with_normalisation_layers_is_seeded_like_the_built_in_ones()
    {
        using var first = new NormalisedUserEncoder(new EncoderOptions { Seed = 9 });
        manual_seed(1234);
        using var second = new NormalisedUserEncoder(new EncoderOptions { Seed = 9 });
        using var other = new NormalisedUserEncoder(new EncoderOptions { Seed = 10 });

        var b = second.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        first.named_parameters().Where(p => !p.parameter.allclose(b[p.name], 0, 0, false)).Select(p => p.name)
            .Should().BeEmpty("the same seed draws the same weights whatever torch's generator holds");
        first.parameters().First().allclose(other.parameters().First(), 0, 0, false).Should().BeFalse("another seed draws other weights");
    }

    /// <summary>An extender's encoder: a convolution, layer and group normalisation, a projection.</summary>
    private sealed class NormalisedUserEncoder : ImageEncoder
    {
        private readonly TorchSharp.Modules.Conv2d conv = nn.Conv2d(1, 4, 3, padding: 1);
        private readonly TorchSharp.Modules.GroupNorm group = nn.GroupNorm(2, 4);
        private readonly TorchSharp.Modules.LayerNorm layer = nn.LayerNorm([4 * 8 * 8]);
        private readonly TorchSharp.Modules.Linear fc = nn.Linear(4 * 8 * 8, 6);

        public NormalisedUserEncoder(EncoderOptions options)
            : base(nameof(NormalisedUserEncoder), options, 8, 8, 6) => RegisterComponents();

        protected override Tensor Embed(Tensor images) => fc.call(layer.call(group.call(conv.call(images)).flatten(1)));
    }
}
