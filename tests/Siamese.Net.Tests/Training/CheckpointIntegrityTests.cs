using Siamese.Net.Tests.TestSupport;
using Siamese.Net.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Training;

/// <summary>Checksummed checkpoints, stale temporaries and the finite-state check that guards every save.</summary>
public sealed class CheckpointIntegrityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Sequential Network(long seed)
    {
        random.manual_seed(seed);
        return nn.Sequential(("fc", nn.Linear(6, 5)), ("bn", nn.BatchNorm1d(5)), ("out", nn.Linear(5, 3)));
    }

    private static TrainingCheckpoint Header(nn.Module network) => new()
    {
        Epoch = 2,
        Step = 0,
        GlobalStep = 40,
        Seed = 11,
        Optimizer = typeof(TorchSharp.Modules.Adam).FullName!,
        InitialLearningRates = [0.01],
        History = [],
        ModuleTypes = [network.GetType().FullName!],
    };

    /// <summary>Writes a checkpoint of a network trained one step (so Adam has state), returns its path and weights.</summary>
    private (string Path, double[] Weights) WriteCheckpoint()
    {
        var network = Network(3);
        var optimizer = optim.Adam(network.parameters(), 0.01);
        using (var scope = NewDisposeScope())
        {
            var loss = network.call(randn(8, 6)).pow(2).mean();
            loss.backward();
            optimizer.step();
        }

        var path = _dir.Combine("last.ckpt");
        using var state = random.get_rng_state();
        TrainingCheckpoint.Write(path, Header(network), [network], optimizer, state.data<byte>().ToArray());
        return (path, Weights(network));
    }

    private static double[] Weights(nn.Module module)
    {
        using var scope = NewDisposeScope();
        return cat(module.state_dict().Values.Where(t => is_floating_point(t)).Select(t => t.detach().flatten().to(ScalarType.Float64)).ToArray(), 0)
            .data<double>().ToArray();
    }

    [Fact]
    public void A_checkpoint_round_trips_through_every_reader()
    {
        var (path, weights) = WriteCheckpoint();
        TrainingCheckpoint.Verify(path);
        TrainingCheckpoint.Read(path).GlobalStep.Should().Be(40);

        var network = Network(99);
        TrainingCheckpoint.LoadWeights(path, network);
        Weights(network).Should().Equal(weights);

        var resumed = Network(98);
        var optimizer = optim.Adam(resumed.parameters(), 0.01);
        var (header, rng) = TrainingCheckpoint.ReadInto(path, [resumed], optimizer);
        header.Epoch.Should().Be(2);
        rng.Should().NotBeEmpty();
        Weights(resumed).Should().Equal(weights);
    }

    [Fact]
    public void Every_one_of_300_single_bit_flips_is_detected_and_no_flip_loads_weights()
    {
        var (path, weights) = WriteCheckpoint();
        var original = File.ReadAllBytes(path);
        var random = new Random(300);
        int detectedByVerify = 0, detectedByLoad = 0, loadedDifferent = 0;
        var damagedParts = new Dictionary<string, int>();
        const int Flips = 300;
        for (int i = 0; i < Flips; i++)
        {
            var damaged = (byte[])original.Clone();
            int bit = random.Next(damaged.Length * 8);
            damaged[bit / 8] ^= (byte)(1 << (bit % 8));
            File.WriteAllBytes(path, damaged);
            try
            {
                TrainingCheckpoint.Verify(path);
            }
            catch (InvalidDataException e)
            {
                detectedByVerify++;
                e.Message.Should().Contain(path);
                foreach (var part in new[] { "header section", "weights section", "optimizer state section", "not a Siamese.Net", "format", "end marker", "length field" })
                {
                    if (e.Message.Contains(part, StringComparison.Ordinal))
                    {
                        damagedParts[part] = damagedParts.GetValueOrDefault(part) + 1;
                    }
                }
            }

            var network = Network(50 + i);
            var before = Weights(network);
            var optimizer = optim.Adam(network.parameters(), 0.01);
            try
            {
                TrainingCheckpoint.ReadInto(path, [network], optimizer);
                if (!Weights(network).SequenceEqual(weights))
                {
                    loadedDifferent++;
                }
            }
            catch (InvalidDataException)
            {
                detectedByLoad++;
                Weights(network).Should().Equal(before, "a damaged checkpoint must not touch the caller's modules");
            }
        }

        detectedByVerify.Should().Be(Flips);
        detectedByLoad.Should().Be(Flips);
        loadedDifferent.Should().Be(0);
        damagedParts.Should().ContainKey("weights section", "most of the file is weights, and the message names the part");
        damagedParts.Should().ContainKey("optimizer state section");
    }

    [Fact]
    public void The_damaged_part_is_named()
    {
        var (path, _) = WriteCheckpoint();
        var original = File.ReadAllBytes(path);
        var damaged = (byte[])original.Clone();
        damaged[original.Length / 2] ^= 0x20; // the middle of the file: weights or optimizer state
        File.WriteAllBytes(path, damaged);
        var act = () => TrainingCheckpoint.Verify(path);
        act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*damaged*section*SHA-256*");

        // Read checks only the header, so it still reads a checkpoint whose weights are damaged; LoadWeights does not.
        TrainingCheckpoint.Read(path).Epoch.Should().Be(2);
    }

    [Fact]
    public void A_format_1_checkpoint_from_before_checksums_still_loads()
    {
        var network = Network(5);
        var optimizer = optim.Adam(network.parameters(), 0.01);
        var path = _dir.Combine("old.ckpt");
        using (var stream = File.Create(path))
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8))
        {
            // The layout format 1 wrote: magic, format, JSON header string, modules, optimizer, RNG, end marker.
            writer.Write("Siamese.Net.TrainingCheckpoint");
            writer.Write(1);
            writer.Write(System.Text.Json.JsonSerializer.Serialize(
                new { Epoch = 1, Step = 0, GlobalStep = 5, Seed = 1, Optimizer = "Adam", Schedule = "Constant", History = Array.Empty<object>(), ModuleTypes = new[] { network.GetType().FullName }, Format = 1 }));
            writer.Write(1);
            network.save(writer);
            optimizer.save_state_dict(writer);
            writer.Write(3);
            writer.Write(new byte[] { 1, 2, 3 });
            writer.Write("end-of-checkpoint");
        }

        TrainingCheckpoint.Read(path).GlobalStep.Should().Be(5);
        var loaded = Network(6);
        var (_, rng) = TrainingCheckpoint.ReadInto(path, [loaded], optim.Adam(loaded.parameters(), 0.01));
        rng.Should().Equal(1, 2, 3);
        Weights(loaded).Should().Equal(Weights(network));
    }

    [Fact]
    public void Stale_temporaries_of_killed_writes_are_removed_by_the_next_write_to_the_same_target()
    {
        var target = _dir.Combine("last.ckpt");
        // What a process killed mid-write leaves: full-size temporaries named after their target.
        var stale1 = AtomicFile.TemporaryName(target);
        var stale2 = AtomicFile.TemporaryName(target);
        var otherTarget = AtomicFile.TemporaryName(_dir.Combine("best.ckpt"));
        var lookalike = target + ".notes.partial";
        foreach (var file in new[] { stale1, stale2, otherTarget, lookalike })
        {
            File.WriteAllBytes(file, new byte[1000]);
        }

        AtomicFile.Write(target, s => s.Write([1, 2, 3]));

        File.Exists(stale1).Should().BeFalse();
        File.Exists(stale2).Should().BeFalse();
        File.Exists(otherTarget).Should().BeTrue("it belongs to another target; its next write cleans it");
        File.Exists(lookalike).Should().BeTrue("only the library's own names are removed");
        File.ReadAllBytes(target).Should().Equal(1, 2, 3);
        Path.GetFileName(stale1).Should().MatchRegex(@"^last\.ckpt\.[0-9a-f]{32}\.partial$");
    }

    [Fact]
    public void A_temporary_that_a_live_writer_holds_is_not_removed()
    {
        var target = _dir.Combine("last.ckpt");
        var live = AtomicFile.TemporaryName(target);
        using (var writer = new FileStream(live, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            writer.Write(new byte[10]);
            AtomicFile.Write(target, s => s.Write([4]));
            File.Exists(live).Should().BeTrue("another save to the same target is still writing it");
        }

        AtomicFile.Write(target, s => s.Write([5]));
        File.Exists(live).Should().BeFalse();
    }

    [Fact]
    public void Module_health_finds_a_non_finite_parameter_gradient_or_buffer_by_name()
    {
        var network = Network(8);
        ModuleHealth.FindNonFinite([network]).Should().BeNull();

        using (no_grad())
        {
            ((BatchNorm1d)network[1]).running_var!.fill_(float.PositiveInfinity);
        }

        ModuleHealth.FindNonFinite([network]).Should().Be(new NonFiniteTensor("network", "bn.running_var", "buffer"));

        var second = Network(9);
        using (var scope = NewDisposeScope())
        {
            second.call(randn(4, 6)).sum().backward();
        }

        ModuleHealth.FindNonFinite([("encoder", (nn.Module)second)]).Should().BeNull();
        using (no_grad())
        {
            second.parameters().Last().grad!.fill_(float.NaN);
        }

        var bad = ModuleHealth.FindNonFinite([("encoder", (nn.Module)second)]);
        bad.Should().Be(new NonFiniteTensor("encoder", "out.bias", "gradient"));
        bad!.ToString().Should().Be("encoder.out.bias (gradient)");

        var third = Network(10);
        using (no_grad())
        {
            third.parameters().First().index_put_(float.NaN, 0, 0);
        }

        ModuleHealth.FindNonFinite([network, third]).Should().Be(new NonFiniteTensor("network", "bn.running_var", "buffer"));
        ModuleHealth.FindNonFinite([Network(11), third]).Should().Be(new NonFiniteTensor("loss", "fc.weight", "parameter"));
    }
}
