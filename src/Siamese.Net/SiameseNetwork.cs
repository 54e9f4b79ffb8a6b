using Siamese.Net.Distances;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net;

/// <summary>
/// A Siamese network: one encoder whose weights both sides share, and a distance between the two embeddings.
/// <see cref="nn.Module{T, TResult}.forward"/> embeds a batch of images.
/// </summary>
/// <remarks>
/// <see cref="EmbedPair"/> runs both sides through the encoder in ONE batched forward pass (the two batches are
/// concatenated), which is faster than two passes and makes BatchNorm statistics cover both sides, as a shared
/// network should see them. Any <see cref="nn.Module{T, TResult}"/> mapping [N, ...] to [N, D] can be the encoder.
/// The network registers the encoder as its submodule <c>encoder</c>, so its parameters appear as
/// <c>encoder.*</c> in the state dict.
/// </remarks>
public sealed class SiameseNetwork : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> encoder;

    /// <summary>Creates the network.</summary>
    /// <param name="encoder">The shared encoder (images [N, C, H, W] to embeddings [N, D]).</param>
    /// <param name="distance">The distance between embeddings; Euclidean when null.</param>
    public SiameseNetwork(nn.Module<Tensor, Tensor> encoder, IDistance? distance = null) : base(nameof(SiameseNetwork))
    {
        ArgumentNullException.ThrowIfNull(encoder);
        this.encoder = encoder;
        Distance = distance ?? new EuclideanDistance();
        RegisterComponents();
    }

    /// <summary>The shared encoder.</summary>
    public nn.Module<Tensor, Tensor> Encoder => encoder;

    /// <summary>The distance between embeddings.</summary>
    public IDistance Distance { get; }

    /// <summary>Embeds a batch of images (same as <see cref="forward"/>).</summary>
    /// <param name="images">Images [N, C, H, W].</param>
    /// <returns>Embeddings [N, D].</returns>
    public Tensor Embed(Tensor images) => forward(images);

    /// <summary>
    /// The number format the encoder computes in: <see cref="NetworkPrecision.BFloat16"/> when its parameters are
    /// bfloat16 (after <see cref="SetPrecision"/> or <c>to(ScalarType.BFloat16)</c>), else float32.
    /// </summary>
    public NetworkPrecision Precision => ParameterType() == ScalarType.BFloat16 ? NetworkPrecision.BFloat16 : NetworkPrecision.Float32;

    /// <summary>
    /// Switches the encoder (and the whole module) to a number format in place. Inputs keep their own type: a float32
    /// batch is cast to the encoder's type on the way in and its embeddings are cast back to float32 on the way out,
    /// so data pipelines, losses, distances, the trainer and the one-shot classifier work unchanged.
    /// </summary>
    /// <remarks>
    /// This casts weights and activations, without a float32 master copy of the weights: use it for inference. For
    /// training, leave the network in float32 and use <see cref="Training.TrainingPrecision.MixedBFloat16"/>
    /// (<see cref="Training.SiameseTrainerOptions.Precision"/>), which keeps float32 masters and optimizer state.
    /// </remarks>
    /// <param name="precision">The format.</param>
    /// <returns>This network.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Unknown precision.</exception>
    public SiameseNetwork SetPrecision(NetworkPrecision precision)
    {
        var type = precision switch
        {
            NetworkPrecision.Float32 => ScalarType.Float32,
            NetworkPrecision.BFloat16 => ScalarType.BFloat16,
            _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown precision."),
        };
        this.to(type);
        return this;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var type = ParameterType();
        if (type is not { } compute || compute == input.dtype || !input.is_floating_point())
        {
            return encoder.call(input);
        }

        using var scope = NewDisposeScope();
        var embeddings = encoder.call(input.to_type(compute));
        return embeddings.to_type(input.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Embeds both sides of a batch of pairs in one forward pass of the shared encoder.</summary>
    /// <param name="first">First images [N, C, H, W].</param>
    /// <param name="second">Second images, same shape as <paramref name="first"/>.</param>
    /// <returns>The embeddings of each side, [N, D] each.</returns>
    /// <exception cref="ArgumentException">The two batches differ in shape.</exception>
    public (Tensor First, Tensor Second) EmbedPair(Tensor first, Tensor second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (!first.shape.SequenceEqual(second.shape) || first.dim() < 1)
        {
            throw new ArgumentException(
                $"Both sides of a pair batch must have the same shape, got [{string.Join(", ", first.shape)}] and [{string.Join(", ", second.shape)}].",
                nameof(second));
        }

        long n = first.shape[0];
        using var scope = NewDisposeScope();
        var embeddings = forward(cat(new[] { first, second }, 0));
        if (embeddings.dim() < 1 || embeddings.shape[0] != 2 * n)
        {
            throw new InvalidOperationException(
                $"The encoder returned [{string.Join(", ", embeddings.shape)}] for a batch of {2 * n}; an encoder must keep the batch dimension.");
        }

        var a = embeddings.narrow(0, 0, n).MoveToOuterDisposeScope();
        var b = embeddings.narrow(0, n, n).MoveToOuterDisposeScope();
        return (a, b);
    }

    /// <summary>The distance [N] between the two sides of each pair.</summary>
    /// <param name="first">First images [N, C, H, W].</param>
    /// <param name="second">Second images, same shape.</param>
    /// <exception cref="ArgumentException">The two batches differ in shape.</exception>
    public Tensor PairDistance(Tensor first, Tensor second)
    {
        using var scope = NewDisposeScope();
        var (a, b) = EmbedPair(first, second);
        return Distance.Pairwise(a, b).MoveToOuterDisposeScope();
    }

    /// <summary>The type of the encoder's first floating-point parameter, or null when it has none.</summary>
    private ScalarType? ParameterType()
    {
        foreach (var parameter in encoder.parameters())
        {
            if (parameter.is_floating_point())
            {
                return parameter.dtype;
            }
        }

        return null;
    }
}
