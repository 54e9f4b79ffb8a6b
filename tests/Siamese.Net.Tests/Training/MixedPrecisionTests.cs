using Siamese.Net.Distances;
using Siamese.Net.Evaluation;
using Siamese.Net.Losses;
using Siamese.Net.Native;
using Siamese.Net.Tests.TestSupport;
using Siamese.Net.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Training;

/// <summary>A fact that xunit reports as skipped on CPUs without native bfloat16 arithmetic.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BFloat16FactAttribute : FactAttribute
{
    public BFloat16FactAttribute()
    {
        if (!TorchRuntime.CpuHasBFloat16)
        {
            Skip = "This CPU has no native bfloat16 arithmetic (TorchRuntime.CpuHasBFloat16 is false): mixed-precision training would be emulated and slow.";
        }
    }
}

[Collection(TorchRandomCollection.Name)]
public sealed class MixedPrecisionTests
{
    private static readonly SyntheticClasses Classes = new(classes: 6);

    /// <summary>A tiny conv net: conv, BatchNorm, ReLU, pooling, dropout (so resume must restore the RNG), linear.</summary>
    private static Sequential TinyConvNet(long seed = 7)
    {
        random.manual_seed(seed);
        return nn.Sequential(
            ("conv", nn.Conv2d(1, 8, 3, padding: 1)),
            ("bn", nn.BatchNorm2d(8)),
            ("relu", nn.ReLU()),
            ("pool", nn.MaxPool2d(2)),
            ("drop", nn.Dropout(0.1)),
            ("flat", nn.Flatten()),
            ("fc", nn.Linear(8 * 4 * 4, 8)));
    }

    private static Dictionary<string, float[]> State(nn.Module module) =>
        module.state_dict().Where(kv => kv.Value.is_floating_point())
            .ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().to(ScalarType.Float32).data<float>().ToArray());

    [BFloat16Fact]
    public void Masters_and_optimizer_state_stay_float32_while_convolutions_and_linear_layers_compute_in_bfloat16()
    {
        using var network = TinyConvNet();
        using var loss = new ContrastiveLoss();
        var probe = new ProbeCallback();
        var options = new SiameseTrainerOptions
        {
            Epochs = 1,
            Precision = TrainingPrecision.MixedBFloat16,
            Callbacks = [probe],
            KeepBest = false,
        };

        new SiameseTrainer(options).Fit(network, loss, new SyntheticPairSource(Classes, batches: 3));

        probe.Seen.Should().Be(3);
        probe.WorkingTypes.Should().Contain(("conv.weight", ScalarType.BFloat16)).And.Contain(("fc.weight", ScalarType.BFloat16))
            .And.Contain(("bn.weight", ScalarType.Float32), "normalisation layers keep float32 parameters");
        probe.OptimizerParameterTypes.Should().OnlyContain(t => t == ScalarType.Float32);
        probe.AdamStateTypes.Should().NotBeEmpty().And.OnlyContain(t => t == ScalarType.Float32);
        probe.MasterGradientTypes.Should().NotBeEmpty().And.OnlyContain(t => t == ScalarType.Float32);

        // After Fit the caller's network is a plain float32 network again.
        network.parameters().Should().OnlyContain(p => p.dtype == ScalarType.Float32);
        network.named_buffers().Where(b => b.buffer.is_floating_point()).Should().OnlyContain(b => b.buffer.dtype == ScalarType.Float32);
    }

    [BFloat16Fact]
    public void A_resumed_mixed_precision_run_ends_bit_exact_with_an_uninterrupted_one()
    {
        using var folder = new TempDirectory();
        var options = new SiameseTrainerOptions
        {
            Epochs = 2,
            KeepBest = false,
            Precision = TrainingPrecision.MixedBFloat16,
            Optimizer = KnownOptimizers.Adam(5e-3),
            GradientClipNorm = 1.0,
        };
        var source = new SyntheticPairSource(Classes, batches: 7);

        using var reference = TinyConvNet();
        using var referenceLoss = new ContrastiveLoss();
        new SiameseTrainer(options).Fit(reference, referenceLoss, source);

        // Dies while reading batch 5 of epoch 1; the last periodic checkpoint is at step 3.
        using var network = TinyConvNet();
        using var loss = new ContrastiveLoss();
        source.BeforeBatch = (epoch, batch) =>
        {
            if (epoch == 1 && batch == 5)
            {
                throw new IOException("disk gone");
            }
        };
        var withCheckpoints = options with { CheckpointDirectory = folder.Path, Callbacks = [new ModelCheckpoint(everySteps: 3)] };
        var crashed = () => new SiameseTrainer(withCheckpoints).Fit(network, loss, source);
        crashed.Should().Throw<IOException>();
        source.BeforeBatch = null;
        var last = Path.Combine(folder.Path, "last.ckpt");

        // The checkpoint holds float32 masters: it loads into a plain float32 network.
        using (var plain = TinyConvNet(seed: 3))
        {
            TrainingCheckpoint.LoadWeights(last, plain);
            plain.parameters().Should().OnlyContain(p => p.dtype == ScalarType.Float32);
        }

        // A fresh process's objects: different initial weights and RNG state; everything comes from the checkpoint.
        random.manual_seed(12345);
        using var resumedNetwork = TinyConvNet(seed: 21);
        using var resumedLoss = new ContrastiveLoss();
        var resumed = new SiameseTrainer(withCheckpoints with { ResumeFrom = last }).Fit(resumedNetwork, resumedLoss, source);

        resumed.GlobalSteps.Should().Be(14);
        var expected = State(reference);
        var actual = State(resumedNetwork);
        actual.Keys.Should().BeEquivalentTo(expected.Keys);
        foreach (var (key, values) in expected)
        {
            actual[key].Should().Equal(values, $"{key} must be bit-exact after the resume");
        }
    }

    [BFloat16Fact]
    public void Mixed_precision_reaches_the_accuracy_of_float32_on_a_separable_set()
    {
        var source = new SyntheticPairSource(Classes, batches: 12);
        var validation = new SyntheticPairSource(Classes, batches: 4, seed: 99);
        var options = new SiameseTrainerOptions { Epochs = 4, Optimizer = KnownOptimizers.Adam(5e-3), KeepBest = false };

        double Train(TrainingPrecision precision)
        {
            using var network = TinyConvNet();
            using var loss = new ContrastiveLoss();
            var result = new SiameseTrainer(options with { Precision = precision }).Fit(network, loss, source, validation);
            return result.History[^1].Validation!.RocAuc!.Value;
        }

        double fp32 = Train(TrainingPrecision.Float32);
        double mixed = Train(TrainingPrecision.MixedBFloat16);

        fp32.Should().BeGreaterThan(0.9, "the set is separable");
        mixed.Should().BeApproximately(fp32, 0.03);
    }

    [BFloat16Fact]
    public void An_update_below_bfloat16_resolution_accumulates_in_the_float32_master()
    {
        // Weights near 1 (bfloat16 spacing 2^-7 there, so a change below 2^-8 rounds away) and a tiny learning rate.
        static Sequential OnesNet()
        {
            var net = TinyConvNet();
            using (no_grad())
            {
                foreach (var p in net.parameters())
                {
                    p.fill_(1.0f);
                }
            }

            return net;
        }

        var source = new SyntheticPairSource(Classes, batches: 10);
        var options = new SiameseTrainerOptions
        {
            Epochs = 1,
            KeepBest = false,
            Optimizer = KnownOptimizers.Sgd(1e-6, momentum: 0, weightDecay: 0),
        };

        double MaxChange(nn.Module<Tensor, Tensor> network, TrainingPrecision precision, string key)
        {
            using var loss = new ContrastiveLoss();
            new SiameseTrainer(options with { Precision = precision }).Fit(network, loss, source);
            using var weight = network.state_dict()[key].detach().to(ScalarType.Float32);
            return weight.sub(1.0f).abs().max().item<float>();
        }

        using var mixed = OnesNet();
        double mixedChange = MaxChange(mixed, TrainingPrecision.MixedBFloat16, "conv.weight");
        mixedChange.Should().BeGreaterThan(0, "the float32 master keeps the small updates");
        mixedChange.Should().BeLessThan(Math.Pow(2, -8), "the test is about updates below bfloat16's resolution at 1");

        // The negative control: weights kept in bfloat16 (no master) do not move at all.
        using var halfWeights = new SiameseNetwork(OnesNet()).SetPrecision(NetworkPrecision.BFloat16);
        MaxChange(halfWeights, TrainingPrecision.Float32, "encoder.conv.weight").Should().Be(0);
    }

    [BFloat16Fact]
    public void Validation_in_mixed_precision_scores_with_the_SiameseNetwork_s_own_distance()
    {
        using var network = new SiameseNetwork(TinyConvNet(), new DotProductSimilarity());
        using var loss = new ContrastiveLoss();
        var options = new SiameseTrainerOptions { Epochs = 1, Precision = TrainingPrecision.MixedBFloat16, KeepBest = false };

        var result = new SiameseTrainer(options).Fit(network, loss, new SyntheticPairSource(Classes, batches: 2), new SyntheticPairSource(Classes, batches: 1, seed: 99));

        result.History[^1].Validation!.ThresholdKind.Should().Be(ScoreKind.Similarity, "the network's dot-product similarity, not the loss's Euclidean distance");
    }

    [Fact]
    public void A_null_precision_is_rejected_naming_the_option()
    {
        var options = new SiameseTrainerOptions { Precision = null! };
        options.Invoking(o => o.Validate()).Should().Throw<ArgumentNullException>().WithParameterName(nameof(SiameseTrainerOptions.Precision));
        TrainingPrecision.Auto.Should().BeSameAs(TorchRuntime.CpuHasBFloat16 ? TrainingPrecision.MixedBFloat16 : TrainingPrecision.Float32);
        TrainingPrecision.MixedBFloat16.ToString().Should().Be("mixed-bfloat16");
    }

    private sealed class ProbeCallback : ITrainerCallback
    {
        public int Seen { get; private set; }

        public List<(string, ScalarType)> WorkingTypes { get; } = [];

        public List<ScalarType> OptimizerParameterTypes { get; } = [];

        public List<ScalarType> AdamStateTypes { get; } = [];

        public List<ScalarType> MasterGradientTypes { get; } = [];

        public void OnBatchEnd(TrainerContext context, StepResult result)
        {
            Seen++;
            WorkingTypes.AddRange(context.Network.named_parameters().Select(p => (p.name, p.parameter.dtype)));
            foreach (var p in context.Optimizer.parameters())
            {
                OptimizerParameterTypes.Add(p.dtype);
                using var grad = p.grad;
                if (grad is not null)
                {
                    MasterGradientTypes.Add(grad.dtype);
                }
            }

            foreach (var state in context.Optimizer.state_dict().State.OfType<Adam.State>())
            {
                AdamStateTypes.Add(state.exp_avg.dtype);
                AdamStateTypes.Add(state.exp_avg_sq.dtype);
            }
        }
    }
}
