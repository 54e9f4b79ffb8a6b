// Build-time fix that lets TorchSharp 0.107's native bridge load on Linux systems whose libstdc++ predates GCC 13
// (Debian 12, Ubuntu 22.04, RHEL 9, ...). See docs/native-libtorch.md.
//
// libLibTorchSharp.so lists GLIBCXX_3.4.32 among the versions it needs from libstdc++.so.6. The only symbol
// bound to that version is _ZSt21ios_base_library_initv, which no relocation uses, so the requirement is
// spurious. The dynamic loader refuses a library whose non-weak version need is missing, but accepts it when
// the need is marked VER_FLG_WEAK. We set that flag on that single Elf64_Vernaux entry, in the copy placed in
// the build or publish output (never in the NuGet cache), writing a new file and renaming it over the old one so
// that a hard link into the cache is broken rather than modified.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory from buildTransitive/Siamese.Net.targets
// (against netstandard, hence the plain byte arithmetic), and into the unit tests with SIAMESE_NET_NO_MSBUILD
// defined, which leaves out the task class.

#nullable enable

using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace SiameseNet.Build
{
    /// <summary>What <see cref="ElfVersionNeedPatcher.MakeVersionNeedWeak"/> did to a file.</summary>
    public enum VersionNeedPatchOutcome
    {
        /// <summary>The version need was strong and is now weak.</summary>
        Patched,

        /// <summary>The version need was already weak; the file was not touched.</summary>
        AlreadyWeak,

        /// <summary>The file does not need that version from that library; the file was not touched.</summary>
        NotNeeded,
    }

    /// <summary>Reads and edits the GNU symbol-versioning sections of 64-bit little-endian ELF files.</summary>
    public static class ElfVersionNeedPatcher
    {
        /// <summary>The library whose version need is spurious.</summary>
        public const string LibStdCxx = "libstdc++.so.6";

        /// <summary>The spurious version (GCC 13's libstdc++).</summary>
        public const string Glibcxx_3_4_32 = "GLIBCXX_3.4.32";

        private const uint ShtGnuVerdef = 0x6ffffffd;
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlgWeak = 0x2;

        /// <summary>
        /// Finds the file offset of <c>vna_flags</c> in the <c>Elf64_Vernaux</c> entry through which
        /// <paramref name="elf"/> needs <paramref name="version"/> from <paramref name="library"/>; -1 if it has none.
        /// </summary>
        public static long FindVersionNeedFlagsOffset(byte[] elf, string library, string version)
        {
            foreach (var section in Sections(elf))
            {
                if (section.Type != ShtGnuVerneed)
                {
                    continue;
                }

                var strings = SectionAt(elf, section.Link);
                long entry = section.Offset;
                for (uint i = 0; i < section.Info; i++)
                {
                    ushort auxCount = U16(elf, entry + 2);
                    string file = CString(elf, strings.Offset + U32(elf, entry + 4));
                    long aux = entry + U32(elf, entry + 8);
                    for (int j = 0; j < auxCount; j++)
                    {
                        string name = CString(elf, strings.Offset + U32(elf, aux + 8));
                        if (file == library && name == version)
                        {
                            return aux + 4;
                        }

                        uint nextAux = U32(elf, aux + 12);
                        if (nextAux == 0)
                        {
                            break;
                        }

                        aux += nextAux;
                    }

                    uint next = U32(elf, entry + 12);
                    if (next == 0)
                    {
                        break;
                    }

                    entry += next;
                }
            }

            return -1;
        }

        /// <summary>True when the version-definition section of <paramref name="elf"/> defines <paramref name="version"/>.</summary>
        public static bool DefinesVersion(byte[] elf, string version)
        {
            foreach (var section in Sections(elf))
            {
                if (section.Type != ShtGnuVerdef)
                {
                    continue;
                }

                var strings = SectionAt(elf, section.Link);
                long entry = section.Offset;
                for (uint i = 0; i < section.Info; i++)
                {
                    ushort auxCount = U16(elf, entry + 6);
                    long aux = entry + U32(elf, entry + 12);
                    for (int j = 0; j < auxCount; j++)
                    {
                        if (CString(elf, strings.Offset + U32(elf, aux)) == version)
                        {
                            return true;
                        }

                        uint nextAux = U32(elf, aux + 4);
                        if (nextAux == 0)
                        {
                            break;
                        }

                        aux += nextAux;
                    }

                    uint next = U32(elf, entry + 16);
                    if (next == 0)
                    {
                        break;
                    }

                    entry += next;
                }
            }

            return false;
        }

        /// <summary>True when the version need is present and already marked weak.</summary>
        public static bool IsVersionNeedWeak(byte[] elf, string library, string version)
        {
            long flags = FindVersionNeedFlagsOffset(elf, library, version);
            return flags >= 0 && (U16(elf, flags) & VerFlgWeak) != 0;
        }

        /// <summary>
        /// Marks the need for <paramref name="version"/> of <paramref name="library"/> weak in the file at
        /// <paramref name="path"/>. The new content is written to a sibling file and renamed over the original, so
        /// readers never see a half-written library and a hard-linked original (e.g. into a package cache) is left
        /// as it was. Idempotent.
        /// </summary>
        public static VersionNeedPatchOutcome MakeVersionNeedWeak(string path, string library, string version)
        {
            byte[] elf = File.ReadAllBytes(path);
            long flags = FindVersionNeedFlagsOffset(elf, library, version);
            if (flags < 0)
            {
                return VersionNeedPatchOutcome.NotNeeded;
            }

            ushort value = U16(elf, flags);
            if ((value & VerFlgWeak) != 0)
            {
                return VersionNeedPatchOutcome.AlreadyWeak;
            }

            value |= VerFlgWeak;
            elf[flags] = (byte)(value & 0xff);
            elf[flags + 1] = (byte)(value >> 8);

            string temporary = path + ".siamese-net-tmp";
            // File.Copy keeps the Unix permission bits; the content is then overwritten in full.
            File.Copy(path, temporary, overwrite: true);
            using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.Write, FileShare.None))
            {
                stream.Write(elf, 0, elf.Length);
                stream.Flush(flushToDisk: true);
            }

            // On Unix File.Replace with no backup is rename(2): atomic, and it replaces the directory entry
            // instead of writing through a hard link.
            File.Replace(temporary, path, destinationBackupFileName: null);
            return VersionNeedPatchOutcome.Patched;
        }

        /// <summary>
        /// Looks for the system's libstdc++.so.6 in the usual library folders (and LD_LIBRARY_PATH) and tells whether
        /// it defines <paramref name="version"/>. Returns null when no readable libstdc++ was found.
        /// </summary>
        public static bool? HostLibStdCxxDefines(string version, IEnumerable<string>? searchFolders = null)
        {
            foreach (string folder in searchFolders ?? DefaultLibraryFolders())
            {
                string candidate = Path.Combine(folder, LibStdCxx);
                if (!File.Exists(candidate))
                {
                    continue;
                }

                try
                {
                    byte[] elf = File.ReadAllBytes(candidate);
                    if (!IsElf64LittleEndian(elf))
                    {
                        continue;
                    }

                    return DefinesVersion(elf, version);
                }
                catch (IOException)
                {
                    // An unreadable candidate says nothing about the host; try the next folder.
                }
                catch (UnauthorizedAccessException)
                {
                }
            }

            return null;
        }

        /// <summary>True for a 64-bit little-endian ELF image.</summary>
        public static bool IsElf64LittleEndian(byte[] elf) =>
            elf.Length >= 64 && elf[0] == 0x7f && elf[1] == (byte)'E' && elf[2] == (byte)'L' && elf[3] == (byte)'F'
            && elf[4] == 2 && elf[5] == 1;

        private static IEnumerable<string> DefaultLibraryFolders()
        {
            string? fromEnvironment = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                foreach (string folder in fromEnvironment!.Split(':'))
                {
                    if (folder.Length > 0)
                    {
                        yield return folder;
                    }
                }
            }

            yield return "/usr/lib/x86_64-linux-gnu";
            yield return "/lib/x86_64-linux-gnu";
            yield return "/usr/lib/aarch64-linux-gnu";
            yield return "/lib/aarch64-linux-gnu";
            yield return "/usr/lib64";
            yield return "/lib64";
            yield return "/usr/lib";
            yield return "/lib";
            yield return "/usr/local/lib64";
            yield return "/usr/local/lib";
        }

        private struct Section
        {
            public uint Type;
            public long Offset;
            public long Size;
            public uint Link;
            public uint Info;
        }

        private static IEnumerable<Section> Sections(byte[] elf)
        {
            if (!IsElf64LittleEndian(elf))
            {
                throw new InvalidDataException("Not a 64-bit little-endian ELF file.");
            }

            long sectionHeaders = (long)U64(elf, 40);
            ushort entrySize = U16(elf, 58);
            ushort count = U16(elf, 60);
            for (int i = 0; i < count; i++)
            {
                yield return ReadSection(elf, sectionHeaders + ((long)i * entrySize));
            }
        }

        private static Section SectionAt(byte[] elf, uint index)
        {
            long sectionHeaders = (long)U64(elf, 40);
            ushort entrySize = U16(elf, 58);
            ushort count = U16(elf, 60);
            if (index >= count)
            {
                throw new InvalidDataException($"Section index {index} is out of range ({count} sections).");
            }

            return ReadSection(elf, sectionHeaders + ((long)index * entrySize));
        }

        private static Section ReadSection(byte[] elf, long at)
        {
            Check(elf, at, 64);
            return new Section
            {
                Type = U32(elf, at + 4),
                Offset = (long)U64(elf, at + 24),
                Size = (long)U64(elf, at + 32),
                Link = U32(elf, at + 40),
                Info = U32(elf, at + 44),
            };
        }

        private static string CString(byte[] elf, long at)
        {
            Check(elf, at, 1);
            long end = at;
            while (end < elf.Length && elf[end] != 0)
            {
                end++;
            }

            return Encoding.ASCII.GetString(elf, (int)at, (int)(end - at));
        }

        private static ushort U16(byte[] b, long at)
        {
            Check(b, at, 2);
            return (ushort)(b[at] | (b[at + 1] << 8));
        }

        private static uint U32(byte[] b, long at)
        {
            Check(b, at, 4);
            return (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));
        }

        private static ulong U64(byte[] b, long at) => U32(b, at) | ((ulong)U32(b, at + 4) << 32);

        private static void Check(byte[] b, long at, int length)
        {
            if (at < 0 || at + length > b.Length)
            {
                throw new InvalidDataException($"ELF structure points outside the file (offset {at}, file size {b.Length}).");
            }
        }
    }

#if !SIAMESE_NET_NO_MSBUILD
    /// <summary>
    /// MSBuild task: marks libLibTorchSharp.so's spurious GLIBCXX_3.4.32 need weak in build or publish output.
    /// Mode "auto" patches only when the build host's libstdc++ lacks that version; "always" patches regardless
    /// (for images built on a newer distribution and run on an older one).
    /// </summary>
    public class PatchLibTorchSharpVersionNeed : Microsoft.Build.Utilities.Task
    {
        /// <summary>The libLibTorchSharp.so copies to inspect.</summary>
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>"auto" or "always".</summary>
        public string Mode { get; set; } = "auto";

        /// <summary>The files that this run changed.</summary>
        [Microsoft.Build.Framework.Output]
        public Microsoft.Build.Framework.ITaskItem[] PatchedFiles { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <inheritdoc />
        public override bool Execute()
        {
            if (Files.Length == 0)
            {
                return true;
            }

            string mode = (Mode ?? "auto").Trim().ToLowerInvariant();
            if (mode != "auto" && mode != "always" && mode != "true")
            {
                Log.LogError("SiameseNetPatchLibTorchSharp must be 'auto', 'always' or 'false', not '{0}'.", Mode);
                return false;
            }

            if (mode == "auto")
            {
                bool? hostHasIt = ElfVersionNeedPatcher.HostLibStdCxxDefines(ElfVersionNeedPatcher.Glibcxx_3_4_32);
                if (hostHasIt == true)
                {
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low,
                        "Siamese.Net: the host libstdc++ provides GLIBCXX_3.4.32; libLibTorchSharp.so left as it is.");
                    return true;
                }
            }

            var patched = new List<Microsoft.Build.Framework.ITaskItem>();
            foreach (var item in Files)
            {
                string path = item.GetMetadata("FullPath");
                try
                {
                    var outcome = ElfVersionNeedPatcher.MakeVersionNeedWeak(
                        path, ElfVersionNeedPatcher.LibStdCxx, ElfVersionNeedPatcher.Glibcxx_3_4_32);
                    if (outcome == VersionNeedPatchOutcome.Patched)
                    {
                        patched.Add(item);
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                            "Siamese.Net: marked the GLIBCXX_3.4.32 need of {0} weak so that it loads with this system's libstdc++.", path);
                    }
                    else
                    {
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "Siamese.Net: {0}: {1}.", path, outcome);
                    }
                }
                catch (Exception exception) when (exception is IOException || exception is UnauthorizedAccessException || exception is InvalidDataException)
                {
                    Log.LogWarning(null, "SNET001", null, path, 0, 0, 0, 0,
                        "Siamese.Net could not patch {0} ({1}); TorchSharp may fail to load on a system whose libstdc++ predates GCC 13. Set SiameseNetPatchLibTorchSharp=false to silence this.",
                        path, exception.Message);
                }
            }

            PatchedFiles = patched.ToArray();
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
