using System.Runtime.InteropServices;
using SiameseNet.Build;

namespace Siamese.Net.Tests.Native;

public sealed class ElfVersionNeedPatcherTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("siamese-elf-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static byte[] TorchSharpLikeImage() => SyntheticElf.WithNeeds(
        ("libc.so.6", ["GLIBC_2.14", "GLIBC_2.2.5"]),
        ("libstdc++.so.6", ["GLIBCXX_3.4.30", "CXXABI_1.3.13", "GLIBCXX_3.4.32", "GLIBCXX_3.4"]));

    [Fact]
    public void Finds_only_the_requested_library_and_version()
    {
        byte[] image = TorchSharpLikeImage();

        ElfVersionNeedPatcher.FindVersionNeedFlagsOffset(image, "libstdc++.so.6", "GLIBCXX_3.4.32").Should().BePositive();
        ElfVersionNeedPatcher.FindVersionNeedFlagsOffset(image, "libc.so.6", "GLIBCXX_3.4.32").Should().Be(-1);
        ElfVersionNeedPatcher.FindVersionNeedFlagsOffset(image, "libstdc++.so.6", "GLIBCXX_3.4.33").Should().Be(-1);
    }

    [Fact]
    public void Marks_exactly_one_entry_weak_and_is_idempotent()
    {
        string path = Path.Combine(_folder, "libLibTorchSharp.so");
        byte[] original = TorchSharpLikeImage();
        File.WriteAllBytes(path, original);

        ElfVersionNeedPatcher.MakeVersionNeedWeak(path, ElfVersionNeedPatcher.LibStdCxx, ElfVersionNeedPatcher.Glibcxx_3_4_32)
            .Should().Be(VersionNeedPatchOutcome.Patched);

        byte[] patched = File.ReadAllBytes(path);
        ElfVersionNeedPatcher.IsVersionNeedWeak(patched, "libstdc++.so.6", "GLIBCXX_3.4.32").Should().BeTrue();
        ElfVersionNeedPatcher.IsVersionNeedWeak(patched, "libstdc++.so.6", "GLIBCXX_3.4.30").Should().BeFalse();
        long flags = ElfVersionNeedPatcher.FindVersionNeedFlagsOffset(original, "libstdc++.so.6", "GLIBCXX_3.4.32");
        var differences = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        differences.Should().Equal((int)flags);
        patched[flags].Should().Be(0x2, "VER_FLG_WEAK is 0x2 in vna_flags");

        ElfVersionNeedPatcher.MakeVersionNeedWeak(path, ElfVersionNeedPatcher.LibStdCxx, ElfVersionNeedPatcher.Glibcxx_3_4_32)
            .Should().Be(VersionNeedPatchOutcome.AlreadyWeak);
        File.ReadAllBytes(path).Should().Equal(patched);
        Directory.GetFiles(_folder).Should().ContainSingle("no temporary file is left behind");
    }

    [Fact]
    public void Leaves_a_file_without_that_need_untouched()
    {
        string path = Path.Combine(_folder, "other.so");
        byte[] image = SyntheticElf.WithNeeds(("libstdc++.so.6", ["GLIBCXX_3.4.30"]));
        File.WriteAllBytes(path, image);
        var before = File.GetLastWriteTimeUtc(path);

        ElfVersionNeedPatcher.MakeVersionNeedWeak(path, ElfVersionNeedPatcher.LibStdCxx, ElfVersionNeedPatcher.Glibcxx_3_4_32)
            .Should().Be(VersionNeedPatchOutcome.NotNeeded);
        File.ReadAllBytes(path).Should().Equal(image);
        File.GetLastWriteTimeUtc(path).Should().Be(before);
    }

    [Fact]
    public void Does_not_write_through_a_hard_link_into_a_package_cache()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string cacheCopy = Path.Combine(_folder, "cache.so");
        string outputCopy = Path.Combine(_folder, "output.so");
        byte[] image = TorchSharpLikeImage();
        File.WriteAllBytes(cacheCopy, image);
        link(cacheCopy, outputCopy).Should().Be(0, "the test needs a hard link");

        ElfVersionNeedPatcher.MakeVersionNeedWeak(outputCopy, ElfVersionNeedPatcher.LibStdCxx, ElfVersionNeedPatcher.Glibcxx_3_4_32)
            .Should().Be(VersionNeedPatchOutcome.Patched);

        File.ReadAllBytes(cacheCopy).Should().Equal(image);
        ElfVersionNeedPatcher.IsVersionNeedWeak(File.ReadAllBytes(outputCopy), "libstdc++.so.6", "GLIBCXX_3.4.32").Should().BeTrue();
    }

    [Fact]
    public void Reads_version_definitions()
    {
        byte[] image = SyntheticElf.WithDefinitions("GLIBCXX_3.4", "GLIBCXX_3.4.30", "GLIBCXX_3.4.32");

        ElfVersionNeedPatcher.DefinesVersion(image, "GLIBCXX_3.4.32").Should().BeTrue();
        ElfVersionNeedPatcher.DefinesVersion(image, "GLIBCXX_3.4.33").Should().BeFalse();
    }

    [Fact]
    public void Finds_the_host_libstdcxx_in_the_given_folders()
    {
        File.WriteAllBytes(Path.Combine(_folder, "libstdc++.so.6"), SyntheticElf.WithDefinitions("GLIBCXX_3.4", "GLIBCXX_3.4.30"));

        ElfVersionNeedPatcher.HostLibStdCxxDefines("GLIBCXX_3.4.30", [_folder]).Should().BeTrue();
        ElfVersionNeedPatcher.HostLibStdCxxDefines("GLIBCXX_3.4.32", [_folder]).Should().BeFalse();
        ElfVersionNeedPatcher.HostLibStdCxxDefines("GLIBCXX_3.4.32", [Path.Combine(_folder, "missing")]).Should().BeNull();
    }

    [Fact]
    public void Rejects_a_file_that_is_not_elf()
    {
        byte[] text = "not an ELF file at all, just some text that is long enough to have a header"u8.ToArray();

        var act = () => ElfVersionNeedPatcher.FindVersionNeedFlagsOffset(text, "libstdc++.so.6", "GLIBCXX_3.4.32");

        act.Should().Throw<InvalidDataException>();
    }

    [Fact]
    public void The_build_output_copy_of_libLibTorchSharp_is_patched_when_the_host_needs_it()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string native = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        File.Exists(native).Should().BeTrue("the test project copies TorchSharp's native bridge to its output");
        byte[] image = File.ReadAllBytes(native);
        bool? hostHasVersion = ElfVersionNeedPatcher.HostLibStdCxxDefines(ElfVersionNeedPatcher.Glibcxx_3_4_32);

        if (hostHasVersion != true)
        {
            ElfVersionNeedPatcher.IsVersionNeedWeak(image, ElfVersionNeedPatcher.LibStdCxx, ElfVersionNeedPatcher.Glibcxx_3_4_32)
                .Should().BeTrue("the buildTransitive target patches the output copy on hosts without GCC 13's libstdc++");
        }
    }

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
#pragma warning disable SA1300, CA5392, IDE1006 // libc's own name
    private static extern int link(string existing, string created);
#pragma warning restore SA1300, CA5392, IDE1006
}
