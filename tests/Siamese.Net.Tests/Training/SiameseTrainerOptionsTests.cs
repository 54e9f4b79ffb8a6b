using Siamese.Net.Training;

namespace Siamese.Net.Tests.Training;

public sealed class SiameseTrainerOptionsTests
{
    [Fact]
    public void Defaults_follow_the_tutorials_and_are_valid()
    {
        var o = new SiameseTrainerOptions();
        o.Optimizer.Should().Be(OptimizerKind.Adam);
        o.LearningRate.Should().Be(1e-3);
        o.WeightDecay.Should().Be(5e-4);
        o.Device.Should().Be(TrainingDevice.Cpu);
        o.Schedule.Should().Be(LearningRateSchedule.Constant);
        o.KeepBest.Should().BeTrue();
        o.EarlyStoppingPatience.Should().BeNull();
        o.GradientClipNorm.Should().BeNull();
        o.Invoking(x => x.Validate()).Should().NotThrow();
        new SiameseTrainer().Options.Should().Be(o);
    }

    public static TheoryData<SiameseTrainerOptions, string> InvalidOptions => new()
    {
        { new SiameseTrainerOptions { Epochs = 0 }, "Epochs" },
        { new SiameseTrainerOptions { LearningRate = 0 }, "LearningRate" },
        { new SiameseTrainerOptions { LearningRate = double.NaN }, "LearningRate" },
        { new SiameseTrainerOptions { WeightDecay = -1e-4 }, "WeightDecay" },
        { new SiameseTrainerOptions { Momentum = 1 }, "Momentum" },
        { new SiameseTrainerOptions { Beta2 = 1.5 }, "Beta2" },
        { new SiameseTrainerOptions { Optimizer = (OptimizerKind)42 }, "Optimizer" },
        { new SiameseTrainerOptions { Schedule = (LearningRateSchedule)42 }, "Schedule" },
        { new SiameseTrainerOptions { StepSize = 0 }, "StepSize" },
        { new SiameseTrainerOptions { StepGamma = 0 }, "StepGamma" },
        { new SiameseTrainerOptions { MinLearningRate = 1 }, "MinLearningRate" },
        { new SiameseTrainerOptions { PlateauFactor = 1 }, "PlateauFactor" },
        { new SiameseTrainerOptions { PlateauPatience = -1 }, "PlateauPatience" },
        { new SiameseTrainerOptions { GradientClipNorm = 0 }, "GradientClipNorm" },
        { new SiameseTrainerOptions { Device = (TrainingDevice)9 }, "Device" },
        { new SiameseTrainerOptions { ValidateEveryEpochs = 0 }, "ValidateEveryEpochs" },
        { new SiameseTrainerOptions { MinDelta = -1 }, "MinDelta" },
        { new SiameseTrainerOptions { EarlyStoppingPatience = 0 }, "EarlyStoppingPatience" },
        { new SiameseTrainerOptions { CheckpointDirectory = " " }, "CheckpointDirectory" },
        { new SiameseTrainerOptions { ResumeFrom = "" }, "ResumeFrom" },
        { new SiameseTrainerOptions { LogEverySteps = 0 }, "LogEverySteps" },
        { new SiameseTrainerOptions { CheckpointEverySteps = 0, CheckpointDirectory = "ckpt" }, "CheckpointEverySteps" },
        { new SiameseTrainerOptions { CheckpointEverySteps = 10 }, "CheckpointEverySteps" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_values_are_rejected_naming_the_option(SiameseTrainerOptions options, string name)
    {
        var act = () => new SiameseTrainer(options);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(name);
    }

    [Fact]
    public void Monitor_mode_is_inferred_from_the_metric()
    {
        var o = new SiameseTrainerOptions();
        o.EffectiveMonitor(hasValidation: false).Should().Be(TrainingMetric.TrainingLoss);
        o.EffectiveMonitor(hasValidation: true).Should().Be(TrainingMetric.ValidationLoss);
        o.EffectiveMode(TrainingMetric.ValidationRocAuc).Should().Be(MetricMode.Max);
        o.EffectiveMode(TrainingMetric.ValidationAccuracy).Should().Be(MetricMode.Max);
        o.EffectiveMode(TrainingMetric.ValidationEer).Should().Be(MetricMode.Min);
        (o with { MonitorMode = MetricMode.Max }).EffectiveMode(TrainingMetric.TrainingLoss).Should().Be(MetricMode.Max);
    }
}
