using System.Text;

namespace Siamese.Net.Tests.Native;

/// <summary>
/// Writes minimal 64-bit little-endian ELF images holding only what the version-need patcher reads: a string
/// table, a version-needs section and optionally a version-definitions section.
/// </summary>
internal static class SyntheticElf
{
    private const uint ShtStrtab = 3;
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>An image needing the given versions, grouped by library.</summary>
    public static byte[] WithNeeds(params (string Library, string[] Versions)[] needs) => Build(needs, defines: []);

    /// <summary>An image defining the given versions (as libstdc++ does).</summary>
    public static byte[] WithDefinitions(params string[] defines) => Build([], defines);

    private static byte[] Build((string Library, string[] Versions)[] needs, string[] defines)
    {
        var strings = new MemoryStream();
        strings.WriteByte(0);
        var offsets = new Dictionary<string, uint>();
        uint Str(string s)
        {
            if (!offsets.TryGetValue(s, out uint at))
            {
                at = (uint)strings.Length;
                strings.Write(Encoding.ASCII.GetBytes(s));
                strings.WriteByte(0);
                offsets[s] = at;
            }

            return at;
        }

        var verneed = new MemoryStream();
        for (int i = 0; i < needs.Length; i++)
        {
            var (library, versions) = needs[i];
            bool last = i == needs.Length - 1;
            Write16(verneed, 1);
            Write16(verneed, (ushort)versions.Length);
            Write32(verneed, Str(library));
            Write32(verneed, 16);
            Write32(verneed, last ? 0u : (uint)(16 + (16 * versions.Length)));
            for (int j = 0; j < versions.Length; j++)
            {
                Write32(verneed, 0);
                Write16(verneed, 0);
                Write16(verneed, (ushort)(2 + j));
                Write32(verneed, Str(versions[j]));
                Write32(verneed, j == versions.Length - 1 ? 0u : 16u);
            }
        }

        var verdef = new MemoryStream();
        for (int i = 0; i < defines.Length; i++)
        {
            bool last = i == defines.Length - 1;
            Write16(verdef, 1);
            Write16(verdef, 0);
            Write16(verdef, (ushort)(i + 1));
            Write16(verdef, 1);
            Write32(verdef, 0);
            Write32(verdef, 20);
            Write32(verdef, last ? 0u : 28u);
            Write32(verdef, Str(defines[i]));
            Write32(verdef, 0);
        }

        // Layout: header (64) | strtab | verneed | verdef | section headers (null, strtab, verneed, verdef).
        byte[] strtabBytes = strings.ToArray();
        long strtabOffset = 64;
        long verneedOffset = Align(strtabOffset + strtabBytes.Length);
        long verdefOffset = Align(verneedOffset + verneed.Length);
        long shOffset = Align(verdefOffset + verdef.Length);
        var image = new byte[shOffset + (4 * 64)];
        image[0] = 0x7f;
        image[1] = (byte)'E';
        image[2] = (byte)'L';
        image[3] = (byte)'F';
        image[4] = 2;
        image[5] = 1;
        image[6] = 1;
        Put64(image, 40, (ulong)shOffset);
        Put16(image, 58, 64);
        Put16(image, 60, 4);
        strtabBytes.CopyTo(image, strtabOffset);
        verneed.ToArray().CopyTo(image, verneedOffset);
        verdef.ToArray().CopyTo(image, verdefOffset);
        SectionHeader(image, shOffset + 64, ShtStrtab, strtabOffset, strtabBytes.Length, link: 0, info: 0);
        SectionHeader(image, shOffset + 128, needs.Length > 0 ? ShtGnuVerneed : 1, verneedOffset, verneed.Length, link: 1, info: (uint)needs.Length);
        SectionHeader(image, shOffset + 192, defines.Length > 0 ? ShtGnuVerdef : 1, verdefOffset, verdef.Length, link: 1, info: (uint)defines.Length);
        return image;
    }

    private static long Align(long value) => (value + 7) & ~7L;

    private static void SectionHeader(byte[] image, long at, uint type, long offset, long size, uint link, uint info)
    {
        Put32(image, at + 4, type);
        Put64(image, at + 24, (ulong)offset);
        Put64(image, at + 32, (ulong)size);
        Put32(image, at + 40, link);
        Put32(image, at + 44, info);
    }

    private static void Write16(Stream s, ushort v) => s.Write(BitConverter.GetBytes(v));

    private static void Write32(Stream s, uint v) => s.Write(BitConverter.GetBytes(v));

    private static void Put16(byte[] b, long at, ushort v) => BitConverter.GetBytes(v).CopyTo(b, at);

    private static void Put32(byte[] b, long at, uint v) => BitConverter.GetBytes(v).CopyTo(b, at);

    private static void Put64(byte[] b, long at, ulong v) => BitConverter.GetBytes(v).CopyTo(b, at);
}
