namespace Siamese.Net.Samples.Common.Synthetic;

/// <summary>
/// A coverage buffer for pen strokes: each pixel holds how much ink covers it, in [0, 1]. Strokes are chains of
/// round-capped segments rasterised with a one-pixel linear edge ramp (cheap analytic anti-aliasing). Overlaps take
/// the maximum coverage, not the sum, so joints and crossings do not turn into dark blobs.
/// </summary>
internal sealed class InkCanvas
{
    public InkCanvas(int width, int height)
    {
        Width = width;
        Height = height;
        Coverage = new float[width * height];
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Row-major [Height, Width].</summary>
    public float[] Coverage { get; }

    /// <summary>Draws a stroke through <paramref name="points"/> with a per-point pen radius (pressure).</summary>
    public void DrawStroke(IReadOnlyList<PointD> points, IReadOnlyList<double> radii)
    {
        if (points.Count == 1)
        {
            DrawSegment(points[0], points[0], radii[0], radii[0]);
            return;
        }

        for (int i = 1; i < points.Count; i++)
        {
            DrawSegment(points[i - 1], points[i], radii[i - 1], radii[i]);
        }
    }

    /// <summary>Draws a stroke with a constant pen radius.</summary>
    public void DrawStroke(IReadOnlyList<PointD> points, double radius)
    {
        var radii = new double[points.Count];
        Array.Fill(radii, radius);
        DrawStroke(points, radii);
    }

    /// <summary>
    /// Greyscale bytes: paper at <paramref name="paper"/>, full ink at <paramref name="ink"/>, plus optional Gaussian
    /// sensor noise.
    /// </summary>
    public byte[] ToBytes(double paper, double ink, double noiseStdDev = 0, DeterministicRandom? random = null)
    {
        var bytes = new byte[Coverage.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            double value = paper + ((ink - paper) * Coverage[i]);
            if (noiseStdDev > 0 && random is not null)
            {
                value += random.Gaussian(noiseStdDev);
            }

            bytes[i] = ToByte(value);
        }

        return bytes;
    }

    /// <summary>Black strokes on white, thresholded to two levels like Omniglot's 1-bit images.</summary>
    public byte[] ToBinaryBytes(double threshold = 0.5)
    {
        var bytes = new byte[Coverage.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = Coverage[i] >= threshold ? (byte)0 : (byte)255;
        }

        return bytes;
    }

    internal static byte ToByte(double value) => (byte)Math.Clamp((int)Math.Round(value), 0, 255);

    private void DrawSegment(PointD a, PointD b, double ra, double rb)
    {
        double maxR = Math.Max(ra, rb);
        int x0 = Math.Max(0, (int)Math.Floor(Math.Min(a.X, b.X) - maxR - 1));
        int x1 = Math.Min(Width - 1, (int)Math.Ceiling(Math.Max(a.X, b.X) + maxR + 1));
        int y0 = Math.Max(0, (int)Math.Floor(Math.Min(a.Y, b.Y) - maxR - 1));
        int y1 = Math.Min(Height - 1, (int)Math.Ceiling(Math.Max(a.Y, b.Y) + maxR + 1));
        if (x0 > x1 || y0 > y1)
        {
            return;
        }

        double dx = b.X - a.X;
        double dy = b.Y - a.Y;
        double lengthSquared = (dx * dx) + (dy * dy);
        for (int y = y0; y <= y1; y++)
        {
            // Pixel centres sit at +0.5, as in every raster convention the decoders use.
            double py = y + 0.5;
            for (int x = x0; x <= x1; x++)
            {
                double px = x + 0.5;
                double t = lengthSquared > 0 ? Math.Clamp((((px - a.X) * dx) + ((py - a.Y) * dy)) / lengthSquared, 0, 1) : 0;
                double cx = a.X + (t * dx) - px;
                double cy = a.Y + (t * dy) - py;
                double distance = Math.Sqrt((cx * cx) + (cy * cy));
                double radius = ra + (t * (rb - ra));
                double cover = Math.Clamp(radius + 0.5 - distance, 0, 1);
                int index = (y * Width) + x;
                if (cover > Coverage[index])
                {
                    Coverage[index] = (float)cover;
                }
            }
        }
    }
}
