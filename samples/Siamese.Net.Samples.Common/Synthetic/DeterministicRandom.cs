namespace Siamese.Net.Samples.Common.Synthetic;

/// <summary>
/// SplitMix64: a tiny generator whose sequence is fixed by its definition, so generated data sets are identical on
/// every runtime and platform (System.Random's seeded algorithm is an implementation detail). Streams for
/// sub-items are derived from a parent seed and item keys, so changing one count does not reshuffle every item.
/// </summary>
internal sealed class DeterministicRandom
{
    private ulong _state;
    private double? _spareGaussian;

    public DeterministicRandom(ulong seed) => _state = seed;

    /// <summary>A generator for the sub-item identified by <paramref name="keys"/> under <paramref name="seed"/>.</summary>
    public static DeterministicRandom For(int seed, params ReadOnlySpan<int> keys)
    {
        ulong h = Mix((ulong)(uint)seed ^ 0x5EED_5EED_5EED_5EEDUL);
        foreach (int key in keys)
        {
            h = Mix(h ^ ((ulong)(uint)key * 0x9E37_79B9_7F4A_7C15UL));
        }

        return new DeterministicRandom(h);
    }

    public ulong NextUInt64()
    {
        _state += 0x9E37_79B9_7F4A_7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public double Uniform(double min, double max) => min + ((max - min) * NextDouble());

    /// <summary>Uniform integer in [min, maxExclusive).</summary>
    public int NextInt(int min, int maxExclusive)
    {
        if (maxExclusive <= min)
        {
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "Empty range.");
        }

        return min + (int)(NextUInt64() % (ulong)(maxExclusive - min));
    }

    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>Standard normal deviate (Marsaglia polar method).</summary>
    public double Gaussian()
    {
        if (_spareGaussian is double spare)
        {
            _spareGaussian = null;
            return spare;
        }

        double u, v, s;
        do
        {
            u = (2 * NextDouble()) - 1;
            v = (2 * NextDouble()) - 1;
            s = (u * u) + (v * v);
        }
        while (s >= 1 || s == 0);

        double factor = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareGaussian = v * factor;
        return u * factor;
    }

    public double Gaussian(double stdDev) => stdDev * Gaussian();

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = NextInt(0, i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}
