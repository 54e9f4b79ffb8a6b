using Siamese.Net.Encoders;
using Siamese.Net.Tests.Reference;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Encoders;

public sealed class EncoderShapeTests
{
    public static TheoryData<string, int, int, int, int, long> Shapes => new()
    {
        // encoder, channels, height, width, embedding option (0 = default), expected D
        { "signet", 1, 105, 105, 0, 128 },
        // SigNet at 155x220 (LRN variant) is run by EncoderReferenceTests against PyTorch.
        { "signet", 3, 64, 96, 32, 32 },
        { "signet_bn", 1, 105, 105, 0, 128 },
        { "signet_bn", 1, 155, 220, 64, 64 },
        { "small_cnn", 1, 224, 224, 0, 128 },
        { "small_cnn", 1, 105, 105, 0, 128 },
        { "small_cnn", 3, 16, 16, 10, 10 },
        { "face", 1, 100, 100, 0, 5 },
        { "face", 3, 32, 48, 16, 16 },
        { "koch", 1, 105, 105, 0, 4096 },
        { "koch", 1, 65, 80, 256, 256 },
        { "conv4", 1, 105, 105, 0, 64 * 6 * 6 },
        { "conv4", 1, 28, 28, 0, 64 },
        { "conv4", 3, 84, 84, 100, 100 },
    };

    private static ImageEncoder Create(string name, EncoderOptions options) => name switch
    {
        "signet" => new SigNet(options),
        "signet_bn" => new SigNet(options, SigNetVariant.BatchNorm),
        "small_cnn" => new SmallCnn(options),
        "face" => new FaceSimilarityNet(options),
        "koch" => new KochNet(options),
        "conv4" => new Conv4Encoder(options),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Embeds_images_to_N_by_D(string name, int channels, int height, int width, int embedding, long expectedD)
    {
        using var scope = NewDisposeScope();
        var options = new EncoderOptions
        {
            InputChannels = channels,
            InputHeight = height,
            InputWidth = width,
            EmbeddingSize = embedding == 0 ? null : embedding,
        };
        using var encoder = Create(name, options);
        encoder.eval();
        using var noGrad = no_grad();

        var y = encoder.call(rand(2, channels, height, width));

        y.shape.Should().Equal(2, expectedD);
        encoder.EmbeddingSize.Should().Be((int)expectedD);
        y.isfinite().all().item<bool>().Should().BeTrue();
    }

    [Theory]
    [InlineData(105, 105, SigNetVariant.LocalResponseNorm, 30976)]
    [InlineData(105, 105, SigNetVariant.BatchNorm, 30976)]
    [InlineData(155, 220, SigNetVariant.LocalResponseNorm, 108800)]
    public void SigNet_flatten_size_follows_the_input_size(int height, int width, SigNetVariant variant, long flatten)
    {
        using var signet = new SigNet(new EncoderOptions { InputHeight = height, InputWidth = width }, variant);

        signet.FlattenSize.Should().Be(flatten);
    }

    [Theory]
    [InlineData("signet_bn")]
    [InlineData("small_cnn")]
    [InlineData("face")]
    [InlineData("conv4")]
    public void Options_rebuild_the_same_architecture(string name)
    {
        using var original = Create(name, new EncoderOptions { InputChannels = 3, InputHeight = 40, InputWidth = 48 });
        using var rebuilt = Create(name, original.Options);

        original.Options.InputHeight.Should().Be(40);
        rebuilt.state_dict().ToDictionary(p => p.Key, p => string.Join(",", p.Value.shape))
            .Should().BeEquivalentTo(original.state_dict().ToDictionary(p => p.Key, p => string.Join(",", p.Value.shape)));
    }

    [Fact]
    public void Parameter_counts_are_the_papers()
    {
        using var signet = new SigNet();
        using var koch = new KochNet();

        // Conv 11712 + 614656 + 885120 + 884992, Linear 30976x1024 + 1024 and 1024x128 + 128.
        signet.parameters().Sum(p => p.numel()).Should().Be(34_248_128);

        // Koch et al. report about 38.95M parameters.
        koch.parameters().Sum(p => p.numel()).Should().Be(38_947_648);
    }

    [Fact]
    public void Small_cnn_at_224_has_the_tutorials_flatten_size()
    {
        using var encoder = new SmallCnn();

        encoder.FlattenSize.Should().Be(64 * 53 * 53);
    }

    [Fact]
    public void Normalised_embeddings_have_unit_length()
    {
        using var scope = NewDisposeScope();
        using var encoder = new Conv4Encoder(new EncoderOptions { InputHeight = 28, InputWidth = 28, EmbeddingSize = 16, NormalizeEmbeddings = true });

        var y = encoder.call(rand(3, 1, 28, 28));

        y.norm(1).ShouldBeClose(new[] { 1.0, 1.0, 1.0 }, 1e-5);
    }

    [Theory]
    [InlineData(new long[] { 1, 105, 105 }, "*SigNet*[N, 1, 105, 105]*[1, 105, 105]*")]
    [InlineData(new long[] { 2, 3, 105, 105 }, "*SigNet*[N, 1, 105, 105]*[2, 3, 105, 105]*")]
    [InlineData(new long[] { 2, 1, 100, 100 }, "*SigNet*[N, 1, 105, 105]*[2, 1, 100, 100]*")]
    public void Wrong_rank_channels_or_size_name_the_expected_and_actual_shape(long[] shape, string message)
    {
        using var scope = NewDisposeScope();
        using var encoder = new SigNet();

        encoder.Invoking(e => e.call(zeros(shape))).Should().Throw<ArgumentException>().WithMessage(message);
    }

    [Theory]
    [InlineData("signet", 24, "*25x25*[N, 1, 24, 24]*")]
    [InlineData("signet_bn", 20, "*25x25*[N, 1, 20, 20]*")]
    [InlineData("small_cnn", 15, "*16x16*[N, 1, 15, 15]*")]
    [InlineData("koch", 64, "*65x65*[N, 1, 64, 64]*")]
    [InlineData("conv4", 15, "*16x16*[N, 1, 15, 15]*")]
    [InlineData("face", 1, "*2x2*[N, 1, 1, 1]*")]
    public void Images_too_small_for_the_encoder_are_rejected_at_construction(string name, int side, string message)
    {
        var create = () => Create(name, new EncoderOptions { InputHeight = side, InputWidth = side });

        create.Should().Throw<ArgumentException>().WithMessage(message);
    }

    [Fact]
    public void Non_positive_options_are_rejected()
    {
        FluentActions.Invoking(() => new SmallCnn(new EncoderOptions { InputChannels = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("options.InputChannels");
        FluentActions.Invoking(() => new SmallCnn(new EncoderOptions { EmbeddingSize = -3 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("options.EmbeddingSize");
    }
}
