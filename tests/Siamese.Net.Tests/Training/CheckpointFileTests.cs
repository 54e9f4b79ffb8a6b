using Siamese.Net.Tests.TestSupport;
using Siamese.Net.Training;

namespace Siamese.Net.Tests.Training;

public sealed class CheckpointFileTests
{
    [Fact]
    public void A_failed_write_leaves_the_previous_file_intact_and_no_temporary_file()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "last.ckpt");
        AtomicFile.Write(path, s => s.Write([1, 2, 3]));

        // A crash in the middle of a save: half the bytes are out when the writer dies.
        var act = () => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[4096]);
            throw new IOException("disk full");
        });

        act.Should().Throw<IOException>();
        File.ReadAllBytes(path).Should().Equal(1, 2, 3);
        Directory.GetFiles(folder.Path).Should().ContainSingle();
    }

    [Fact]
    public void While_a_save_is_in_progress_the_target_still_holds_the_complete_previous_file()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "last.ckpt");
        AtomicFile.Write(path, s => s.Write([1, 2, 3]));
        using var halfWritten = new ManualResetEventSlim();
        using var resume = new ManualResetEventSlim();

        var save = Task.Run(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100_000]);
            s.Flush();
            halfWritten.Set();
            resume.Wait();
            s.Write([7]);
        }));

        halfWritten.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue();
        // A process killed now would leave exactly this on disk.
        File.ReadAllBytes(path).Should().Equal(1, 2, 3);
        Directory.GetFiles(folder.Path).Should().HaveCount(2, "the new content goes to a temporary file next to the target");
        resume.Set();
        save.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue();
        File.ReadAllBytes(path).Should().HaveCount(100_001);
        Directory.GetFiles(folder.Path).Should().ContainSingle();
    }

    [Fact]
    public void A_write_replaces_the_file_whole()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "sub", "best.ckpt");
        AtomicFile.Write(path, s => s.Write(new byte[10_000]));
        AtomicFile.Write(path, s => s.Write([9]));
        File.ReadAllBytes(path).Should().Equal(9);
        AtomicFile.Copy(path, path + ".copy");
        File.ReadAllBytes(path + ".copy").Should().Equal(9);
    }

    [Fact]
    public void Reading_a_file_that_is_not_a_checkpoint_fails_with_InvalidDataException()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "junk.ckpt");
        File.WriteAllText(path, "not a checkpoint");
        var act = () => TrainingCheckpoint.Read(path);
        act.Should().Throw<InvalidDataException>().WithMessage("*junk.ckpt*");
    }
}
