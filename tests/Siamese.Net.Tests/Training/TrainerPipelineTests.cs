using Siamese.Net.Data;
using Siamese.Net.Losses;
using Siamese.Net.Miners;
using Siamese.Net.Tests.TestSupport;
using Siamese.Net.Training;
using TorchSharp;

namespace Siamese.Net.Tests.Training;

/// <summary>The trainer on the real data pipeline: image files, decoding, M-per-class sampling, the background loader, episodes.</summary>
[Collection(TorchRandomCollection.Name)]
public sealed class TrainerPipelineTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _checkpoints = new();

    public void Dispose()
    {
        _data.Dispose();
        _checkpoints.Dispose();
    }

    private (IBatchSource<LabelledBatch> Training, IBatchSource<FewShotEpisode> Validation) Sources(ImageFolderDataset dataset)
    {
        var store = new ImageStore(TestDatasets.Small);
        var training = new BatchLoader<LabelledBatch>(
            new MPerClassBatchSource(dataset, store, new MPerClassBatchOptions { ClassesPerBatch = 3, ImagesPerClass = 2, Seed = 11, BatchesPerEpoch = 5 }),
            new BatchLoaderOptions { WorkerCount = 2, PrefetchBatches = 2 });
        var validation = new EpisodeSource(dataset, store, new EpisodeOptions { Ways = 3, Shots = 1, QueriesPerClass = 2, EpisodesPerEpoch = 3, Seed = 5 });
        return (training, validation);
    }

    [Fact]
    public void Triplet_training_through_the_loader_validates_on_episodes_and_resumes_exactly()
    {
        TestDatasets.WriteFolders(_data.Path, [6, 6, 6, 6, 6]);
        var (training, validation) = Sources(ImageFolderDataset.Load(_data.Path));
        var options = new SiameseTrainerOptions { Epochs = 3, Optimizer = KnownOptimizers.Adam(1e-2), Monitor = MetricKeys.ValidationNWayAccuracy, KeepBest = false };

        using var reference = TinyEncoder.Create();
        using var referenceLoss = new TripletMarginLoss(margin: 0.5, miner: new BatchHardTripletMiner());
        var uninterrupted = new SiameseTrainer(options).Fit(reference, referenceLoss, training, validation);

        uninterrupted.History.Should().HaveCount(3);
        uninterrupted.History.Should().OnlyContain(h => h.Validation!.Ways == 3 && h.Validation.Count == 3 * 3 * 3);
        uninterrupted.History[^1].Validation!.Accuracy.Should().BeGreaterThan(1.0 / 3);

        using var network = TinyEncoder.Create();
        using var loss = new TripletMarginLoss(margin: 0.5, miner: new BatchHardTripletMiner());
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress<TrainingProgress>(p =>
        {
            if (p.Epoch == 1 && p.Step == 2)
            {
                cts.Cancel();
            }
        });
        var withCheckpoints = options with { CheckpointDirectory = _checkpoints.Path, LogEverySteps = 2 };
        var cancelled = () => new SiameseTrainer(withCheckpoints).Fit(network, loss, training, validation, progress, cts.Token);
        cancelled.Should().Throw<OperationCanceledException>();

        using var resumedNetwork = TinyEncoder.Create(seed: 8);
        using var resumedLoss = new TripletMarginLoss(margin: 0.5, miner: new BatchHardTripletMiner());
        var last = Path.Combine(_checkpoints.Path, "last.ckpt");
        TrainingCheckpoint.Read(last).Step.Should().Be(2);
        new SiameseTrainer(withCheckpoints with { ResumeFrom = last }).Fit(resumedNetwork, resumedLoss, training, validation);

        TinyEncoder.Weights(resumedNetwork).Zip(TinyEncoder.Weights(reference), (a, e) => Math.Abs(a - e)).Max()
            .Should().BeLessThanOrEqualTo(1e-6);
    }

    [Fact]
    public void A_corrupt_image_file_stops_training_with_its_name()
    {
        TestDatasets.WriteFolders(_data.Path, [4, 4, 4]);
        var broken = Path.Combine(_data.Path, "c01", "02.pgm");
        File.WriteAllBytes(broken, [(byte)'P', (byte)'5', (byte)'\n', (byte)'8']);
        var (training, _) = Sources(ImageFolderDataset.Load(_data.Path));

        using var network = TinyEncoder.Create();
        using var loss = new TripletMarginLoss();
        var act = () => new SiameseTrainer(new SiameseTrainerOptions { Epochs = 2 }).Fit(network, loss, training);

        act.Should().Throw<Exception>().Where(e => e.ToString().Contains("02.pgm", StringComparison.Ordinal));
    }
}
