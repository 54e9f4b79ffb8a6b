namespace Siamese.Net.Data;

/// <summary>
/// Derives independent, reproducible random streams from a seed and coordinates (epoch, batch, item, slot), so a
/// sample's randomness depends only on what it is, never on which thread produced it or in what order.
/// </summary>
internal static class SeedMixer
{
    public static int Derive(int seed, long a, long b = 0, long c = 0, long d = 0)
    {
        ulong h = Mix((ulong)(uint)seed ^ 0x9E3779B97F4A7C15UL);
        h = Mix(h ^ (ulong)a);
        h = Mix(h ^ (ulong)b);
        h = Mix(h ^ (ulong)c);
        h = Mix(h ^ (ulong)d);
        return (int)(h >> 33);
    }

    /// <summary>A <see cref="Random"/> whose sequence is fixed for these coordinates (the seeded algorithm is stable across .NET versions).</summary>
    public static Random Random(int seed, long a, long b = 0, long c = 0, long d = 0) => new(Derive(seed, a, b, c, d));

    public static int[] Permutation(int count, Random random)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        random.Shuffle(order);
        return order;
    }

    // SplitMix64 finaliser: every input bit affects every output bit.
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
