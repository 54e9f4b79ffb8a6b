using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Onnx.Tests;

/// <summary>Shared helpers: TorchSharp reference embeddings, a few SGD steps, and the relative difference measure.</summary>
internal static class Parity
{
    /// <summary>
    /// max |a − b| / max |b| per row, the worst row: the difference relative to the embedding's own scale (an
    /// element-wise ratio would blow up on components that are nearly zero).
    /// </summary>
    public static double MaxRelativeDifference(float[] actual, float[] expected, int dimension)
    {
        actual.Length.Should().Be(expected.Length);
        double worst = 0;
        for (int row = 0; row < expected.Length / dimension; row++)
        {
            double diff = 0, scale = 0;
            for (int j = 0; j < dimension; j++)
            {
                int i = (row * dimension) + j;
                diff = Math.Max(diff, Math.Abs(actual[i] - expected[i]));
                scale = Math.Max(scale, Math.Abs(expected[i]));
            }

            worst = Math.Max(worst, diff / Math.Max(scale, 1e-12));
        }

        return worst;
    }

    /// <summary>Eval-mode, no-grad embeddings of <paramref name="images"/> [N, C, H, W].</summary>
    public static float[] TorchEmbed(nn.Module<Tensor, Tensor> encoder, float[] images, long[] shape)
    {
        encoder.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var input = tensor(images, shape);
        return encoder.call(input).contiguous().data<float>().ToArray();
    }

    /// <summary>
    /// A few SGD steps in train mode on random images, so weights move and BatchNorm's running statistics are far from
    /// their initial 0 / 1 (a parity test on fresh statistics would not see a mean/variance mix-up).
    /// </summary>
    public static void Train(nn.Module<Tensor, Tensor> encoder, long[] shape, int steps = 3, int seed = 7)
    {
        encoder.train();
        var optimizer = optim.SGD(encoder.parameters(), 0.05);
        var generator = new Generator((ulong)seed);
        for (int s = 0; s < steps; s++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var x = rand(shape, generator: generator).mul_(2.0);
            var y = encoder.call(x);
            var loss = y.square().mean();
            loss.backward();
            optimizer.step();
        }

        encoder.eval();
    }

    public static float[] RandomImages(int count, int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[count * length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)random.NextDouble();
        }

        return values;
    }
}
