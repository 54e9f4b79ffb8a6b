namespace Siamese.Net.Imaging;

/// <summary>
/// CRC-32 as PNG chunks use it (ISO 3309 / ITU-T V.42, reflected polynomial 0xEDB88320, initial and final XOR
/// 0xFFFFFFFF). The BCL has no CRC-32 outside the System.IO.Hashing package, and a table of 256 entries is enough.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Table = MakeTable();

    /// <summary>The CRC of <paramref name="first"/> followed by <paramref name="second"/> (a chunk's type and data).</summary>
    public static uint Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        uint c = 0xFFFFFFFF;
        c = Update(c, first);
        c = Update(c, second);
        return c ^ 0xFFFFFFFF;
    }

    private static uint Update(uint c, ReadOnlySpan<byte> data)
    {
        var table = Table;
        foreach (byte b in data)
        {
            c = table[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return c;
    }

    private static uint[] MakeTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
