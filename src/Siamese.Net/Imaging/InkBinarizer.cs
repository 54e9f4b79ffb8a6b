namespace Siamese.Net.Imaging;

/// <summary>
/// Otsu binarisation and cropping to the ink of one grey plane, in plain managed code. The file is compiled into both
/// Siamese.Net (behind <c>ImagePreprocessing</c>) and Siamese.Net.Onnx (behind its managed preprocessing), so
/// the two agree bit for bit by construction.
/// </summary>
internal static class InkBinarizer
{
    /// <summary>Share of the ink pixels ignored on each side when cropping, so one speck of dust does not set the box.</summary>
    internal const double CropTrim = 0.005;

    private const int Levels = 256;

    /// <summary>The 8-bit level of a value in [0, 1]: <c>round(255 v)</c>, half to even, clamped.</summary>
    internal static int Level(float value) => (int)MathF.Round(Math.Clamp(value, 0f, 1f) * 255f);

    /// <summary>
    /// The Otsu level of a plane: pixels at or below it are ink. -1 when the plane has one level only (no split).
    /// </summary>
    internal static int OtsuLevel(ReadOnlySpan<float> plane)
    {
        Span<long> histogram = stackalloc long[Levels];
        foreach (float v in plane)
        {
            histogram[Level(v)]++;
        }

        double total = plane.Length, sum = 0;
        for (int i = 0; i < Levels; i++)
        {
            sum += (double)i * histogram[i];
        }

        // Maximise w0 w1 (m0 - m1)^2 over thresholds t (class 0 = levels <= t); the first maximum wins.
        double weight0 = 0, sum0 = 0, best = 0;
        int level = -1;
        for (int t = 0; t < Levels - 1; t++)
        {
            weight0 += histogram[t];
            sum0 += (double)t * histogram[t];
            double weight1 = total - weight0;
            if (weight0 == 0 || weight1 == 0)
            {
                continue;
            }

            double difference = (sum0 / weight0) - ((sum - sum0) / weight1);
            double between = weight0 * weight1 * difference * difference;
            if (between > best)
            {
                best = between;
                level = t;
            }
        }

        return level;
    }

    /// <summary>
    /// Binarises a grey plane [height, width] (ink 0, paper 1) and, when <paramref name="crop"/>, crops it to the box
    /// of its ink (ignoring <see cref="CropTrim"/> of the ink pixels on each side). A plane without ink is returned
    /// whole and all paper.
    /// </summary>
    internal static (float[] Plane, int Height, int Width) Apply(ReadOnlySpan<float> plane, int height, int width, bool crop)
    {
        int level = OtsuLevel(plane);
        var binary = new float[plane.Length];
        var rows = new long[height];
        var columns = new long[width];
        long ink = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width) + x;
                bool isInk = Level(plane[i]) <= level;
                binary[i] = isInk ? 0f : 1f;
                if (isInk)
                {
                    rows[y]++;
                    columns[x]++;
                    ink++;
                }
            }
        }

        if (!crop || ink == 0)
        {
            return (binary, height, width);
        }

        long skip = (long)Math.Floor(ink * CropTrim);
        var (top, bottom) = Span(rows, skip);
        var (left, right) = Span(columns, skip);
        int outHeight = bottom - top + 1, outWidth = right - left + 1;
        var result = new float[outHeight * outWidth];
        for (int y = 0; y < outHeight; y++)
        {
            binary.AsSpan(((y + top) * width) + left, outWidth).CopyTo(result.AsSpan(y * outWidth, outWidth));
        }

        return (result, outHeight, outWidth);
    }

    /// <summary>First and last index whose cumulative count from that side exceeds <paramref name="skip"/>.</summary>
    private static (int First, int Last) Span(long[] counts, long skip)
    {
        int first = 0, last = counts.Length - 1;
        for (long seen = 0; first < counts.Length; first++)
        {
            seen += counts[first];
            if (seen > skip)
            {
                break;
            }
        }

        for (long seen = 0; last > first; last--)
        {
            seen += counts[last];
            if (seen > skip)
            {
                break;
            }
        }

        return (first, last);
    }
}
