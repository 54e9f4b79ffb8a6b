namespace Siamese.Net.Tests.TestSupport;

/// <summary>
/// Anti-aliased pen strokes on paper, in [0, 1] (paper light, ink dark), with an ink-intensity transform applied to
/// the finished scan: what a different pen, scanner or contrast setting does to the same signature.
/// </summary>
public static class SyntheticInk
{
    /// <summary>A random "signature": a few smooth polylines of a given pen width, drawn at <paramref name="ink"/> on <paramref name="paper"/>.</summary>
    public static float[] Signature(int width, int height, int seed, float ink = 0.1f, float paper = 0.97f, double penWidth = 2.5)
    {
        var random = new Random(seed);
        var coverage = new float[width * height];
        int strokes = 2 + random.Next(3);
        for (int s = 0; s < strokes; s++)
        {
            double x = width * (0.15 + (0.2 * random.NextDouble())), y = height * (0.3 + (0.4 * random.NextDouble()));
            double angle = random.NextDouble() * Math.PI * 2;
            for (int step = 0; step < 14; step++)
            {
                angle += (random.NextDouble() - 0.5) * 1.6;
                double nx = Math.Clamp(x + (Math.Cos(angle) * width / 18) + (width / 40.0), width * 0.08, width * 0.92);
                double ny = Math.Clamp(y + (Math.Sin(angle) * height / 8), height * 0.12, height * 0.88);
                Segment(coverage, width, height, x, y, nx, ny, penWidth);
                (x, y) = (nx, ny);
            }
        }

        var image = new float[coverage.Length];
        for (int i = 0; i < image.Length; i++)
        {
            image[i] = paper - ((paper - ink) * coverage[i]);
        }

        return image;
    }

    /// <summary>Gamma: v^gamma.</summary>
    public static float[] Gamma(float[] image, double gamma) => image.Select(v => (float)Math.Pow(v, gamma)).ToArray();

    /// <summary>A linear contrast change: lo + (hi - lo) v.</summary>
    public static float[] Stretch(float[] image, float lo, float hi) => image.Select(v => lo + ((hi - lo) * v)).ToArray();

    /// <summary>Rounds to 8-bit levels, as a scan stored in a PNG.</summary>
    public static float[] Quantise(float[] image) => image.Select(v => MathF.Round(Math.Clamp(v, 0f, 1f) * 255f) / 255f).ToArray();

    /// <summary>The image as 8-bit grey levels (for <see cref="TestImageWriter.GreyPng"/>).</summary>
    public static Func<int, int, int> Levels(float[] image, int width) => (x, y) => (int)MathF.Round(Math.Clamp(image[(y * width) + x], 0f, 1f) * 255f);

    /// <summary>The Mann-Whitney AUC of a score: P(score of a positive > score of a negative), ties counted half.</summary>
    public static double Auc(IReadOnlyList<double> positives, IReadOnlyList<double> negatives)
    {
        double wins = 0;
        foreach (double p in positives)
        {
            foreach (double n in negatives)
            {
                wins += p > n ? 1 : p == n ? 0.5 : 0;
            }
        }

        return wins / (positives.Count * (double)negatives.Count);
    }

    private static void Segment(float[] coverage, int width, int height, double x0, double y0, double x1, double y1, double penWidth)
    {
        double r = penWidth / 2;
        int minX = Math.Max(0, (int)Math.Floor(Math.Min(x0, x1) - r - 1)), maxX = Math.Min(width - 1, (int)Math.Ceiling(Math.Max(x0, x1) + r + 1));
        int minY = Math.Max(0, (int)Math.Floor(Math.Min(y0, y1) - r - 1)), maxY = Math.Min(height - 1, (int)Math.Ceiling(Math.Max(y0, y1) + r + 1));
        double dx = x1 - x0, dy = y1 - y0, length2 = Math.Max(1e-9, (dx * dx) + (dy * dy));
        for (int y = minY; y <= maxY; y++)
        {
            for (int x = minX; x <= maxX; x++)
            {
                double t = Math.Clamp((((x + 0.5 - x0) * dx) + ((y + 0.5 - y0) * dy)) / length2, 0, 1);
                double ex = x + 0.5 - (x0 + (t * dx)), ey = y + 0.5 - (y0 + (t * dy));
                float c = (float)Math.Clamp(r - Math.Sqrt((ex * ex) + (ey * ey)) + 0.5, 0, 1);
                int i = (y * width) + x;
                coverage[i] = Math.Max(coverage[i], c);
            }
        }
    }
}
