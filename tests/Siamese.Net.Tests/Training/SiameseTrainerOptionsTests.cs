using Siamese.Net.Training;
using TorchSharp.Modules;

namespace Siamese.Net.Tests.Training;

public sealed class SiameseTrainerOptionsTests
{
    [Fact]
    public void Defaults_follow_the_tutorials_and_are_valid()
    {
        var o = new SiameseTrainerOptions();
        using var parameter = new Parameter(TorchSharp.torch.zeros(2));
        using var optimizer = o.Optimizer(new TrainableParameters([parameter], []));
        optimizer.Should().BeOfType<Adam>();
        optimizer.ParamGroups.Single().LearningRate.Should().Be(1e-3);
        o.Device.Should().BeNull();
        o.KeepBest.Should().BeTrue();
        o.GradientClipNorm.Should().BeNull();
        o.Callbacks.Should().BeEmpty();
        o.Invoking(x => x.Validate()).Should().NotThrow();
        new SiameseTrainer().Options.Should().Be(o);
    }

    private sealed class Named(string name) : ITrainerCallback
    {
        public string Name => name;
    }

    public static TheoryData<SiameseTrainerOptions, string> InvalidOptions => new()
    {
        { new SiameseTrainerOptions { Epochs = 0 }, "Epochs" },
        { new SiameseTrainerOptions { Optimizer = null! }, "Optimizer" },
        { new SiameseTrainerOptions { GradientClipNorm = 0 }, "GradientClipNorm" },
        { new SiameseTrainerOptions { ValidateEveryEpochs = 0 }, "ValidateEveryEpochs" },
        { new SiameseTrainerOptions { Monitor = " " }, "Monitor" },
        { new SiameseTrainerOptions { MonitorMode = (MetricMode)9 }, "MonitorMode" },
        { new SiameseTrainerOptions { MinDelta = -1 }, "MinDelta" },
        { new SiameseTrainerOptions { CheckpointDirectory = " " }, "CheckpointDirectory" },
        { new SiameseTrainerOptions { ResumeFrom = "" }, "ResumeFrom" },
        { new SiameseTrainerOptions { LogEverySteps = 0 }, "LogEverySteps" },
        { new SiameseTrainerOptions { NoActiveTuplesWarningSteps = 0 }, "NoActiveTuplesWarningSteps" },
        { new SiameseTrainerOptions { Callbacks = [new ModelCheckpoint(everySteps: 10)] }, "Callbacks" },
        { new SiameseTrainerOptions { Callbacks = [new Named("a"), new Named("a")] }, "Callbacks" },
        { new SiameseTrainerOptions { Callbacks = [null!] }, "Callbacks" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_values_are_rejected_naming_the_option(SiameseTrainerOptions options, string name)
    {
        var act = () => new SiameseTrainer(options);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(name);
    }

    [Fact]
    public void A_checkpoint_folder_that_is_a_file_is_rejected_before_training()
    {
        var file = Path.GetTempFileName();
        try
        {
            var act = () => new SiameseTrainer(new SiameseTrainerOptions { CheckpointDirectory = file });
            act.Should().Throw<ArgumentException>().WithMessage("*is a file*").Which.ParamName.Should().Be("CheckpointDirectory");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Presets_reject_bad_values_naming_them()
    {
        FluentActions.Invoking(() => KnownOptimizers.Adam(0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("learningRate");
        FluentActions.Invoking(() => KnownOptimizers.Sgd(1e-2, momentum: 1)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => KnownOptimizers.AdamW(weightDecay: -1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("weightDecay");
        FluentActions.Invoking(() => KnownSchedulers.Step(0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("stepSize");
        FluentActions.Invoking(() => KnownSchedulers.ReduceOnPlateau(factor: 1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("factor");
    }

    [Fact]
    public void Monitor_mode_is_inferred_from_the_metric()
    {
        var o = new SiameseTrainerOptions();
        o.EffectiveMonitor(hasValidation: false).Should().Be(MetricKeys.TrainingLoss);
        o.EffectiveMonitor(hasValidation: true).Should().Be(MetricKeys.ValidationLoss);
        o.EffectiveMode(MetricKeys.ValidationRocAuc).Should().Be(MetricMode.Max);
        o.EffectiveMode(MetricKeys.ValidationNWayAccuracy).Should().Be(MetricMode.Max);
        o.EffectiveMode("val/map_at_r").Should().Be(MetricMode.Max);
        o.EffectiveMode(MetricKeys.ValidationEer).Should().Be(MetricMode.Min);
        (o with { MonitorMode = MetricMode.Max }).EffectiveMode(MetricKeys.TrainingLoss).Should().Be(MetricMode.Max);
    }
}
