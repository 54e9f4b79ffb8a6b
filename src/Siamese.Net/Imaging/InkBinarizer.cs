namespace Siamese.Net.Imaging;

/// <summary>
/// Otsu binarisation, cropping to the ink and stroke-width normalisation of one grey plane, in plain managed code. The file is compiled into both
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
    /// of its ink (ignoring <see cref="CropTrim"/> of the ink pixels on each side). With <paramref name="uniformStrokes"/>
    /// the strokes are then thinned to their skeleton and redrawn with one width, about one pixel of a
    /// <paramref name="targetHeight"/> x <paramref name="targetWidth"/> resize (<see cref="StrokeRadius"/>). A plane
    /// without ink is returned whole and all paper.
    /// </summary>
    internal static (float[] Plane, int Height, int Width) Apply(ReadOnlySpan<float> plane, int height, int width, bool crop,
        bool uniformStrokes = false, int targetHeight = 0, int targetWidth = 0)
    {
        int level = OtsuLevel(plane);
        var binary = new bool[plane.Length];
        var rows = new long[height];
        var columns = new long[width];
        long ink = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width) + x;
                bool isInk = Level(plane[i]) <= level;
                binary[i] = isInk;
                if (isInk)
                {
                    rows[y]++;
                    columns[x]++;
                    ink++;
                }
            }
        }

        if (ink == 0)
        {
            return (ToPlane(binary), height, width);
        }

        if (crop)
        {
            long skip = (long)Math.Floor(ink * CropTrim);
            var (top, bottom) = Span(rows, skip);
            var (left, right) = Span(columns, skip);
            int outHeight = bottom - top + 1, outWidth = right - left + 1;
            var cropped = new bool[outHeight * outWidth];
            for (int y = 0; y < outHeight; y++)
            {
                binary.AsSpan(((y + top) * width) + left, outWidth).CopyTo(cropped.AsSpan(y * outWidth, outWidth));
            }

            (binary, height, width) = (cropped, outHeight, outWidth);
        }

        if (uniformStrokes)
        {
            Thin(binary, height, width);
            binary = Thicken(binary, height, width, StrokeRadius(height, width, targetHeight, targetWidth));
        }

        return (ToPlane(binary), height, width);
    }

    /// <summary>
    /// The radius R of the redrawn strokes (width 2R + 1): half the resize factor to the target, rounded, so a stroke
    /// comes out about one target pixel wide whatever the scan's resolution or the pen; 0 (the skeleton) when the image
    /// is not larger than the target.
    /// </summary>
    internal static int StrokeRadius(int height, int width, int targetHeight, int targetWidth)
    {
        double scale = Math.Max((double)height / Math.Max(1, targetHeight), (double)width / Math.Max(1, targetWidth));
        return Math.Max(0, (int)Math.Round((scale - 1) / 2, MidpointRounding.ToEven));
    }

    /// <summary>
    /// Zhang &amp; Suen (1984) thinning, in place: boundary ink pixels are peeled in two alternating sub-iterations
    /// (south-east, then north-west) until none changes, leaving a one-pixel-wide, 8-connected skeleton with the
    /// strokes' topology. Outside the plane counts as paper.
    /// </summary>
    internal static void Thin(bool[] ink, int height, int width)
    {
        var peel = new List<int>();
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int pass = 0; pass < 2; pass++)
            {
                peel.Clear();
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        if (ink[(y * width) + x] && Peelable(ink, height, width, y, x, pass))
                        {
                            peel.Add((y * width) + x);
                        }
                    }
                }

                foreach (int i in peel)
                {
                    ink[i] = false;
                }

                changed |= peel.Count > 0;
            }
        }
    }

    private static bool Peelable(bool[] ink, int height, int width, int y, int x, int pass)
    {
        bool At(int dy, int dx)
        {
            int yy = y + dy, xx = x + dx;
            return yy >= 0 && yy < height && xx >= 0 && xx < width && ink[(yy * width) + xx];
        }

        // P2..P9: north, then clockwise.
        Span<bool> p = [At(-1, 0), At(-1, 1), At(0, 1), At(1, 1), At(1, 0), At(1, -1), At(0, -1), At(-1, -1)];
        int neighbours = 0, rises = 0;
        for (int k = 0; k < 8; k++)
        {
            neighbours += p[k] ? 1 : 0;
            rises += !p[k] && p[(k + 1) % 8] ? 1 : 0;
        }

        if (neighbours is < 2 or > 6 || rises != 1)
        {
            return false;
        }

        bool north = p[0], east = p[2], south = p[4], west = p[6];
        return pass == 0
            ? !(north && east && south) && !(east && south && west)
            : !(north && east && west) && !(north && south && west);
    }

    /// <summary>Every pixel within a disc of <paramref name="radius"/> (x² + y² ≤ R² + R) of a skeleton pixel becomes ink.</summary>
    private static bool[] Thicken(bool[] skeleton, int height, int width, int radius)
    {
        if (radius == 0)
        {
            return skeleton;
        }

        var offsets = new List<(int Y, int X)>();
        for (int dy = -radius; dy <= radius; dy++)
        {
            for (int dx = -radius; dx <= radius; dx++)
            {
                if ((dy * dy) + (dx * dx) <= (radius * radius) + radius)
                {
                    offsets.Add((dy, dx));
                }
            }
        }

        var thick = new bool[skeleton.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (!skeleton[(y * width) + x])
                {
                    continue;
                }

                foreach (var (dy, dx) in offsets)
                {
                    int yy = y + dy, xx = x + dx;
                    if (yy >= 0 && yy < height && xx >= 0 && xx < width)
                    {
                        thick[(yy * width) + xx] = true;
                    }
                }
            }
        }

        return thick;
    }

    private static float[] ToPlane(bool[] ink)
    {
        var plane = new float[ink.Length];
        for (int i = 0; i < ink.Length; i++)
        {
            plane[i] = ink[i] ? 0f : 1f;
        }

        return plane;
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
