using System.Numerics.Tensors;

namespace Siamese.Net.Onnx.Imaging;

/// <summary>
/// The resizes of the core's preprocessing, on planar float images, following PyTorch's CPU kernels:
/// <c>interpolate(mode="bilinear", align_corners=False)</c>, <c>interpolate(mode="area")</c> (adaptive average
/// pooling) and adaptive min pooling.
/// </summary>
internal static class Resampling
{
    /// <summary>Bilinear with half-pixel centres: src = max(0, (dst + 0.5) · in/out − 0.5), neighbours clamped to the edge.</summary>
    public static float[] Bilinear(ReadOnlySpan<float> source, int channels, int inHeight, int inWidth, int outHeight, int outWidth)
    {
        var (y0, y1, ly0, ly1) = LinearTaps(inHeight, outHeight);
        var (x0, x1, lx0, lx1) = LinearTaps(inWidth, outWidth);
        var result = new float[channels * outHeight * outWidth];
        var top = new float[outWidth];
        var bottom = new float[outWidth];
        for (int c = 0; c < channels; c++)
        {
            var plane = source.Slice(c * inHeight * inWidth, inHeight * inWidth);
            for (int oy = 0; oy < outHeight; oy++)
            {
                var rowA = plane.Slice(y0[oy] * inWidth, inWidth);
                var rowB = plane.Slice(y1[oy] * inWidth, inWidth);
                for (int ox = 0; ox < outWidth; ox++)
                {
                    top[ox] = (lx0[ox] * rowA[x0[ox]]) + (lx1[ox] * rowA[x1[ox]]);
                    bottom[ox] = (lx0[ox] * rowB[x0[ox]]) + (lx1[ox] * rowB[x1[ox]]);
                }

                // out = ly0 · top + ly1 · bottom
                var output = result.AsSpan((((c * outHeight) + oy) * outWidth), outWidth);
                TensorPrimitives.Multiply(top, ly0[oy], output);
                TensorPrimitives.MultiplyAdd(bottom, ly1[oy], output, output);
            }
        }

        return result;
    }

    /// <summary>Adaptive pooling: output cell i covers input ⌊i·in/out⌋ … ⌈(i+1)·in/out⌉ − 1; the mean or the minimum.</summary>
    public static float[] AdaptivePool(ReadOnlySpan<float> source, int channels, int inHeight, int inWidth, int outHeight, int outWidth, bool minimum)
    {
        var result = new float[channels * outHeight * outWidth];
        for (int c = 0; c < channels; c++)
        {
            var plane = source.Slice(c * inHeight * inWidth, inHeight * inWidth);
            for (int oy = 0; oy < outHeight; oy++)
            {
                int ys = Start(oy, inHeight, outHeight), ye = End(oy, inHeight, outHeight);
                for (int ox = 0; ox < outWidth; ox++)
                {
                    int xs = Start(ox, inWidth, outWidth), xe = End(ox, inWidth, outWidth);
                    float value;
                    if (minimum)
                    {
                        value = float.PositiveInfinity;
                        for (int y = ys; y < ye; y++)
                        {
                            value = Math.Min(value, TensorPrimitives.Min(plane.Slice((y * inWidth) + xs, xe - xs)));
                        }
                    }
                    else
                    {
                        float sum = 0;
                        for (int y = ys; y < ye; y++)
                        {
                            var row = plane.Slice((y * inWidth) + xs, xe - xs);
                            for (int x = 0; x < row.Length; x++)
                            {
                                sum += row[x];
                            }
                        }

                        value = sum / ((ye - ys) * (xe - xs));
                    }

                    result[(((c * outHeight) + oy) * outWidth) + ox] = value;
                }
            }
        }

        return result;
    }

    private static int Start(int index, int input, int output) => (int)((long)index * input / output);

    private static int End(int index, int input, int output) => (int)((((long)(index + 1) * input) + output - 1) / output);

    private static (int[] I0, int[] I1, float[] L0, float[] L1) LinearTaps(int input, int output)
    {
        // PyTorch computes the scale and the source coordinate in float for float images.
        float scale = (float)input / output;
        var i0 = new int[output];
        var i1 = new int[output];
        var l0 = new float[output];
        var l1 = new float[output];
        for (int d = 0; d < output; d++)
        {
            float src = Math.Max((scale * (d + 0.5f)) - 0.5f, 0f);
            int lo = (int)src;
            i0[d] = lo;
            i1[d] = lo < input - 1 ? lo + 1 : lo;
            l1[d] = src - lo;
            l0[d] = 1f - l1[d];
        }

        return (i0, i1, l0, l1);
    }
}
