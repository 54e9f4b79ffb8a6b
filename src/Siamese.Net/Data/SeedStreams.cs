namespace Siamese.Net.Data;

/// <summary>
/// Deterministic random streams derived from a seed and a few integers (epoch, batch, purpose): the same inputs give
/// the same stream in every process and on every platform (unlike <see cref="HashCode.Combine{T1, T2}"/>, which .NET
/// randomises per process), and nearby inputs give unrelated streams (a SplitMix64 mix of every input). This is what
/// makes a batch a pure function of (seed, epoch, batch index) — the contract exact resume relies on — for the
/// library's sources and for a user's own.
/// </summary>
public static class SeedStreams
{
    /// <summary>A 31-bit seed mixed from <paramref name="seed"/> and up to four stream coordinates.</summary>
    /// <param name="seed">The user's seed.</param>
    /// <param name="a">First coordinate (e.g. a purpose tag).</param>
    /// <param name="b">Second coordinate (e.g. the epoch).</param>
    /// <param name="c">Third coordinate (e.g. the batch index).</param>
    /// <param name="d">Fourth coordinate.</param>
    /// <returns>A non-negative seed.</returns>
    public static int Derive(int seed, long a, long b = 0, long c = 0, long d = 0)
    {
        ulong h = Mix((ulong)(uint)seed ^ 0x9E3779B97F4A7C15UL);
        h = Mix(h ^ (ulong)a);
        h = Mix(h ^ (ulong)b);
        h = Mix(h ^ (ulong)c);
        h = Mix(h ^ (ulong)d);
        return (int)(h >> 33);
    }

    /// <summary>
    /// A <see cref="System.Random"/> seeded with <see cref="Derive"/> of the same arguments; its sequence is fixed for
    /// these coordinates (the seeded algorithm is stable across .NET versions).
    /// </summary>
    /// <param name="seed">The user's seed.</param>
    /// <param name="a">First coordinate.</param>
    /// <param name="b">Second coordinate.</param>
    /// <param name="c">Third coordinate.</param>
    /// <param name="d">Fourth coordinate.</param>
    /// <returns>The generator.</returns>
    public static Random Random(int seed, long a, long b = 0, long c = 0, long d = 0) => new(Derive(seed, a, b, c, d));

    /// <summary>A random permutation of 0..count-1 drawn from <paramref name="random"/>.</summary>
    /// <param name="count">Number of items.</param>
    /// <param name="random">The generator.</param>
    /// <returns>The permutation.</returns>
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
