namespace Siamese.Net.Samples.Tests.Synthetic;

/// <summary>
/// A crude image descriptor (ink density on a coarse grid) for checking that generated data carries the identity
/// signal the samples must learn: same class closer than different class even without any learning.
/// </summary>
internal static class Features
{
    public static double[] Pooled(byte[] pixels, int width, int height, int cellsX, int cellsY, bool darkIsInk = true)
    {
        var sums = new double[cellsX * cellsY];
        var counts = new int[cellsX * cellsY];
        for (int y = 0; y < height; y++)
        {
            int cy = Math.Min(cellsY - 1, y * cellsY / height);
            for (int x = 0; x < width; x++)
            {
                int cx = Math.Min(cellsX - 1, x * cellsX / width);
                double v = pixels[(y * width) + x] / 255.0;
                sums[(cy * cellsX) + cx] += darkIsInk ? 1 - v : v;
                counts[(cy * cellsX) + cx]++;
            }
        }

        for (int i = 0; i < sums.Length; i++)
        {
            sums[i] /= Math.Max(1, counts[i]);
        }

        return sums;
    }

    public static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum());
}
