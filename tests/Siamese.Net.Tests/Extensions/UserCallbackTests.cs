using System.Text.Json.Nodes;
using Siamese.Net.Losses;
using Siamese.Net.Miners;
using Siamese.Net.Tests.TestSupport;
using Siamese.Net.Tests.Training;
using Siamese.Net.Training;

namespace Siamese.Net.Tests.Extensions;

/// <summary>
/// A user's own callback: it records the steps it saw, adds a metric that can be monitored, stops training by its own
/// rule, and keeps its state across a resume through the checkpoint.
/// </summary>
public sealed class UserCallbackTests
{
    private static readonly SyntheticClasses Classes = new(classes: 6);

    private sealed class StepRecorder : ITrainerCallback
    {
        public string Name => "step-recorder";

        public List<long> GlobalSteps { get; } = [];

        public List<string> Hooks { get; } = [];

        public int? StopAfterEpoch { get; init; }

        public void OnFitStart(TrainerContext context) => Hooks.Add("fit-start");

        public void OnEpochStart(TrainerContext context) => Hooks.Add($"epoch-start {context.Epoch}");

        public void OnBatchEnd(TrainerContext context, StepResult result) => GlobalSteps.Add(context.GlobalStep);

        public void OnValidationStart(TrainerContext context) => Hooks.Add($"validation-start {context.Epoch}");

        public void OnValidationEnd(TrainerContext context, ValidationMetrics metrics)
        {
            Hooks.Add($"validation-end {context.Epoch}");
            context.Metrics["val/steps_seen"] = GlobalSteps.Count;
        }

        public void OnEpochEnd(TrainerContext context, EpochRecord epoch)
        {
            Hooks.Add($"epoch-end {context.Epoch}");
            if (StopAfterEpoch == context.Epoch)
            {
                context.StopTraining();
            }
        }

        public void OnFitEnd(TrainerContext context) => Hooks.Add("fit-end");

        public JsonNode? SaveState() => new JsonArray(GlobalSteps.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray());

        public void LoadState(JsonNode state)
        {
            GlobalSteps.Clear();
            GlobalSteps.AddRange(state.AsArray().Select(n => n!.GetValue<long>()));
        }
    }

    [Fact]
    public void Sees_every_hook_in_order_and_its_metric_can_be_monitored()
    {
        using var network = TinyEncoder.Create();
        using var loss = new TripletMarginLoss(0.5, new BatchHardTripletMiner());
        var recorder = new StepRecorder();
        var result = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 2, Callbacks = [recorder], Monitor = "val/steps_seen" })
            .Fit(network, loss, new SyntheticLabelledSource(Classes, batches: 3), new SyntheticLabelledSource(Classes, batches: 1, seed: 9));

        recorder.Hooks.Should().Equal(
            "fit-start", "epoch-start 0", "validation-start 0", "validation-end 0", "epoch-end 0",
            "epoch-start 1", "validation-start 1", "validation-end 1", "epoch-end 1", "fit-end");
        recorder.GlobalSteps.Should().Equal(1, 2, 3, 4, 5, 6);
        result.History.Select(h => h.Metrics["val/steps_seen"]).Should().Equal(3, 6);
        result.BestEpoch.Should().Be(1, "more steps seen is better for a metric that is not a loss");
    }

    [Fact]
    public void Can_stop_training_by_its_own_rule()
    {
        using var network = TinyEncoder.Create();
        using var loss = new TripletMarginLoss(0.5, new BatchHardTripletMiner());
        var result = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 5, Callbacks = [new StepRecorder { StopAfterEpoch = 1 }] })
            .Fit(network, loss, new SyntheticLabelledSource(Classes, batches: 2));

        result.History.Should().HaveCount(2);
        result.StoppedEarly.Should().BeTrue();
    }

    [Fact]
    public void Its_state_survives_a_resume_from_a_checkpoint()
    {
        using var folder = new TempDirectory();
        var options = new SiameseTrainerOptions { Epochs = 3, CheckpointDirectory = folder.Path, KeepBest = false };
        using (var network = TinyEncoder.Create())
        using (var loss = new TripletMarginLoss(0.5, new BatchHardTripletMiner()))
        {
            new SiameseTrainer(options with { Epochs = 2, Callbacks = [new StepRecorder()] }).Fit(network, loss, new SyntheticLabelledSource(Classes, batches: 2));
        }

        var resumed = new StepRecorder();
        using (var network = TinyEncoder.Create(seed: 3))
        using (var loss = new TripletMarginLoss(0.5, new BatchHardTripletMiner()))
        {
            new SiameseTrainer(options with { ResumeFrom = Path.Combine(folder.Path, "last.ckpt"), Callbacks = [resumed] })
                .Fit(network, loss, new SyntheticLabelledSource(Classes, batches: 2));
        }

        resumed.GlobalSteps.Should().Equal([1, 2, 3, 4, 5, 6], "steps 1-4 come back from the checkpoint, 5-6 are the resumed epoch");
    }
}
