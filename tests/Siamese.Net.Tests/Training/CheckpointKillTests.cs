using System.Diagnostics;
using System.Globalization;
using Siamese.Net.Tests.TestSupport;
using Siamese.Net.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Training;

/// <summary>
/// Fault injection across processes: a real training process (Siamese.Net.Tests.TrainingChild) that writes a
/// checkpoint after every step is killed (the whole process tree, as <c>kill -9</c> would) while a checkpoint write
/// is in progress, then started again, until training reaches its end.
/// </summary>
public sealed class CheckpointKillTests(ITestOutputHelper output)
{
    private const int Epochs = 3;
    private const int Kills = 8;
    private const string ChildAssembly = "Siamese.Net.Tests.TrainingChild.dll";

    [Fact]
    public void Killing_the_training_process_mid_checkpoint_write_always_leaves_a_loadable_finite_checkpoint_that_resumes_to_the_same_end()
    {
        // The weights an uninterrupted run ends with.
        using var reference = new TempDirectory();
        string expected = RunToEnd(reference.Path);
        expected.Should().StartWith($"FINISHED {Epochs} ");

        using var folder = new TempDirectory();
        string last = Path.Combine(folder.Path, "last.ckpt");
        var random = new Random(20261201);
        var stale = new HashSet<string>(StringComparer.Ordinal);
        int kills = 0, killedMidWrite = 0;
        string? finished = null;

        while (finished is null)
        {
            using var child = StartChild(folder.Path);
            if (kills == Kills)
            {
                finished = WaitForEnd(child);
                break;
            }

            // Wait until a checkpoint exists and a write of a new one has begun (its temporary file appears), then
            // let it run on for a random moment so that kills land early, mid-way and late in the write.
            bool hunting = WaitForNewTemporary(child, folder.Path, last, stale);
            if (!hunting)
            {
                finished = WaitForEnd(child);
                break;
            }

            // A write has started, so the stale temporaries of the previous kill are already gone.
            stale.Where(File.Exists).Should().BeEmpty("the next write to a target removes the temporaries a killed write left");
            SpinFor(TimeSpan.FromTicks(random.Next(0, 200_000)));
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            kills++;

            stale = Temporaries(folder.Path).ToHashSet(StringComparer.Ordinal);
            killedMidWrite += stale.Count > 0 ? 1 : 0;
            AssertLoadableAndFinite(last);
        }

        output.WriteLine($"{kills} kills, {killedMidWrite} of them left a partial write behind");
        kills.Should().BeGreaterThan(0, "the process must have been killed at least once for the test to mean anything");
        finished.Should().Be(expected, "a run killed and resumed from its checkpoints ends exactly like an uninterrupted one");
        Temporaries(folder.Path).Should().BeEmpty("the writes after the last kill removed every stale temporary");
        TrainingCheckpoint.Read(last).Finished.Should().BeTrue();
    }

    /// <summary>The newest checkpoint passes its checksums, loads into a fresh network and holds only finite weights.</summary>
    private static void AssertLoadableAndFinite(string last)
    {
        File.Exists(last).Should().BeTrue("a complete checkpoint existed before the kill and the kill cannot remove it");
        TrainingCheckpoint.Verify(last);
        var header = TrainingCheckpoint.Read(last);
        header.GlobalStep.Should().BePositive();

        using var network = nn.Sequential(
            ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(64, 2048)),
            ("relu", nn.ReLU()),
            ("drop", nn.Dropout(0.2)),
            ("fc2", nn.Linear(2048, 16)));
        foreach (var p in network.parameters())
        {
            using var _ = no_grad();
            p.fill_(float.NaN);
        }

        TrainingCheckpoint.LoadWeights(last, network);
        foreach (var (name, p) in network.named_parameters())
        {
            p.isfinite().all().item<bool>().Should().BeTrue($"parameter {name} of the loaded checkpoint is finite");
        }
    }

    private static IEnumerable<string> Temporaries(string folder) =>
        Directory.EnumerateFiles(folder, "*" + AtomicFile.TemporarySuffix);

    /// <summary>
    /// Waits until <paramref name="last"/> exists and a temporary that is not one of <paramref name="stale"/> appears;
    /// false when the child ends first.
    /// </summary>
    private static bool WaitForNewTemporary(Process child, string folder, string last, HashSet<string> stale)
    {
        var deadline = Stopwatch.StartNew();
        while (!child.HasExited)
        {
            if (File.Exists(last) && Temporaries(folder).Any(t => !stale.Contains(t)))
            {
                return true;
            }

            // A guard against hanging forever, not a timing assertion: the child writes a checkpoint after every step.
            deadline.Elapsed.Should().BeLessThan(TimeSpan.FromMinutes(10), "the child writes checkpoints continuously");
            Thread.Yield();
        }

        return false;
    }

    private static void SpinFor(TimeSpan time)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < time)
        {
            Thread.SpinWait(20);
        }
    }

    private string RunToEnd(string folder)
    {
        using var child = StartChild(folder);
        return WaitForEnd(child);
    }

    private string WaitForEnd(Process child)
    {
        string stdout = child.StandardOutput.ReadToEnd();
        string stderr = child.StandardError.ReadToEnd();
        child.WaitForExit();
        output.WriteLine(stdout);
        child.ExitCode.Should().Be(0, "the training child failed: " + stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Single(l => l.StartsWith("FINISHED ", StringComparison.Ordinal));
    }

    private static Process StartChild(string folder)
    {
        string childPath = Path.Combine(AppContext.BaseDirectory, ChildAssembly);
        File.Exists(childPath).Should().BeTrue($"{ChildAssembly} is copied beside the tests by the project reference");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(childPath);
        start.ArgumentList.Add(folder);
        start.ArgumentList.Add(Epochs.ToString(CultureInfo.InvariantCulture));
        return Process.Start(start) ?? throw new InvalidOperationException("The training child did not start.");
    }

    /// <summary>The dotnet host running the tests (the CLI sets DOTNET_HOST_PATH for its children).</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
}
