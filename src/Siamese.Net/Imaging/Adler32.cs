namespace Siamese.Net.Imaging;

/// <summary>
/// The Adler-32 checksum of RFC 1950 (zlib): two sums modulo 65521 over the uncompressed bytes, stored big-endian
/// after the deflate data.
/// </summary>
internal struct Adler32
{
    private const uint Modulus = 65521;

    // 5552 is the largest n for which 255 n (n + 1) / 2 + (n + 1) (Modulus - 1) fits in 32 bits (zlib's NMAX).
    private const int MaxRun = 5552;

    private uint _a;
    private uint _b;
    private bool _started;

    /// <summary>The checksum of the bytes seen so far.</summary>
    public readonly uint Value => _started ? (_b << 16) | _a : 1u;

    /// <summary>Adds bytes to the checksum.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (!_started)
        {
            _a = 1;
            _b = 0;
            _started = true;
        }

        uint a = _a, b = _b;
        while (!data.IsEmpty)
        {
            int run = Math.Min(data.Length, MaxRun);
            foreach (byte x in data.Slice(0, run))
            {
                a += x;
                b += a;
            }

            a %= Modulus;
            b %= Modulus;
            data = data.Slice(run);
        }

        _a = a;
        _b = b;
    }
}
