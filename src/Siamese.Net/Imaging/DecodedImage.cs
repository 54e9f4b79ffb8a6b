using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Imaging;

/// <summary>
/// Pixels as decoded, before colour conversion: interleaved (H, W, channels) floats in [0, 1], with 1 (grey),
/// 2 (grey + alpha), 3 (RGB) or 4 (RGBA) channels.
/// </summary>
internal sealed class DecodedImage
{
    public DecodedImage(int width, int height, int channels, float[] pixels)
    {
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public int Channels { get; }

    public float[] Pixels { get; }

    /// <summary>
    /// Converts to planar [C, H, W] in the wanted colour mode. Transparent pixels are composited over white, because
    /// scanned documents and pen strokes are drawn on white paper and a transparent background usually means paper.
    /// Grey from colour uses the ITU-R BT.601 luma weights, as PIL's <c>convert("L")</c> does.
    /// </summary>
    public float[] ToPlanar(ColorMode mode)
    {
        int n = Width * Height;
        int outChannels = mode == ColorMode.Grayscale ? 1 : 3;
        var result = new float[outChannels * n];
        var src = Pixels;
        int c = Channels;
        for (int i = 0; i < n; i++)
        {
            int o = i * c;
            float r, g, b, a;
            if (c <= 2)
            {
                r = g = b = src[o];
                a = c == 2 ? src[o + 1] : 1f;
            }
            else
            {
                r = src[o];
                g = src[o + 1];
                b = src[o + 2];
                a = c == 4 ? src[o + 3] : 1f;
            }

            if (a < 1f)
            {
                float background = 1f - a;
                r = (r * a) + background;
                g = (g * a) + background;
                b = (b * a) + background;
            }

            if (outChannels == 1)
            {
                result[i] = c <= 2 ? r : Math.Clamp((0.299f * r) + (0.587f * g) + (0.114f * b), 0f, 1f);
            }
            else
            {
                result[i] = r;
                result[n + i] = g;
                result[(2 * n) + i] = b;
            }
        }

        return result;
    }

    public Tensor ToTensor(ColorMode mode)
    {
        var planar = ToPlanar(mode);
        long channels = mode == ColorMode.Grayscale ? 1 : 3;
        return torch.tensor(planar, new long[] { channels, Height, Width }, ScalarType.Float32);
    }

    internal static float[] Scale8(ReadOnlySpan<byte> bytes)
    {
        var result = new float[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            result[i] = bytes[i] / 255f;
        }

        return result;
    }

    internal static float[] Scale16(ReadOnlySpan<ushort> values, int maxValue)
    {
        var result = new float[values.Length];
        float scale = 1f / maxValue;
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = Math.Min(values[i], maxValue) * scale;
        }

        return result;
    }
}
