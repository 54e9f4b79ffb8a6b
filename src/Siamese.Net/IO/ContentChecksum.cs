using System.Security.Cryptography;

namespace Siamese.Net.IO;

/// <summary>
/// SHA-256 content checksums for the files the library writes. SHA-256 rather than a CRC because checkpoints run to
/// hundreds of megabytes, where a 32-bit check lets one damaged file in four billion through, and because every
/// .NET runtime has a fast implementation; any change to the bytes (a flipped bit, a torn copy) changes it.
/// </summary>
internal static class ContentChecksum
{
    /// <summary>Bytes of a checksum.</summary>
    public const int Size = 32;

    /// <summary>Name written in messages.</summary>
    public const string Algorithm = "SHA-256";

    /// <summary>The checksum of <paramref name="data"/>.</summary>
    public static byte[] Of(ReadOnlySpan<byte> data) => SHA256.HashData(data);

    /// <summary>
    /// The checksum of the next <paramref name="length"/> bytes of <paramref name="stream"/>, read from its current
    /// position in blocks (the content is never held in memory whole).
    /// </summary>
    /// <exception cref="EndOfStreamException">The stream ends before <paramref name="length"/> bytes.</exception>
    public static byte[] Of(Stream stream, long length)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[(int)Math.Min(1 << 20, Math.Max(1, length))];
        long remaining = length;
        while (remaining > 0)
        {
            int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
            if (read == 0)
            {
                throw new EndOfStreamException($"The content ends {remaining} bytes short of the {length} its length field declares.");
            }

            hash.AppendData(buffer, 0, read);
            remaining -= read;
        }

        return hash.GetHashAndReset();
    }

    /// <summary>Whether two checksums are equal.</summary>
    public static bool Equal(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a.SequenceEqual(b);

    /// <summary>The first bytes of a checksum in hex, for messages.</summary>
    public static string Short(ReadOnlySpan<byte> checksum) =>
        Convert.ToHexString(checksum.Slice(0, Math.Min(8, checksum.Length))).ToLowerInvariant();
}
