// The namespace is the core's, not this folder's: the core's PgmParser.cs is compiled into this package as a linked
// file and constructs this type by that name. This copy has no tensor conversion, so it needs no TorchSharp.
namespace Siamese.Net.Imaging;

/// <summary>Decoded pixels, interleaved (HWC), scaled to [0, 1], 1 to 4 channels (grey, grey+alpha, RGB, RGBA).</summary>
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
    /// Planar CHW in the requested mode, exactly as the core decoder does it: alpha composited over white, RGB to
    /// grey by the BT.601 luma weights (clamped), grey replicated to RGB.
    /// </summary>
    public float[] ToPlanar(bool grayscale)
    {
        int n = Width * Height;
        int outChannels = grayscale ? 1 : 3;
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
}
