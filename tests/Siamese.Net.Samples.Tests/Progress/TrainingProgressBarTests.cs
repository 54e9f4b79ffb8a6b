using Siamese.Net.Training;
using Siamese.Net.Samples.Common.Progress;
using Spectre.Console.Testing;

namespace Siamese.Net.Samples.Tests.Progress;

public sealed class TrainingProgressBarTests
{
    [Fact]
    public void Reports_move_the_bar_measure_throughput_and_print_a_line_per_epoch_with_eta()
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        var time = new ManualTime();

        var (rate, last) = TrainingProgressBar.Run(console, "Training", totalEpochs: 2, stepsPerEpoch: 4, bar =>
        {
            long samples = 0;
            for (int epoch = 1; epoch <= 2; epoch++)
            {
                for (int step = 1; step <= 4; step++)
                {
                    time.Advance(TimeSpan.FromSeconds(0.5));
                    samples += 32;
                    bool end = step == 4;
                    bar.Report(new TrainingStatus(epoch, 2, step, 4, end ? 0.5 / epoch : 0.9)
                    {
                        SamplesProcessed = samples,
                        EpochCompleted = end,
                        ValidationLoss = end ? 0.6 / epoch : null,
                    });
                }
            }

            return (bar.SamplesPerSecond, bar.Last);
        }, time);

        rate.Should().BeApproximately(64, 1e-9, "32 samples every half second");
        last!.Epoch.Should().Be(2);
        console.Output.Should().Contain("epoch 1/2  train loss 0.5000  validation loss 0.6000  elapsed 0:02  ETA 0:02")
            .And.Contain("epoch 2/2  train loss 0.2500  validation loss 0.3000  elapsed 0:04");
        console.Output.Should().NotContain("elapsed 0:04  ETA", "nothing remains after the last step");
    }

    [Fact]
    public void Throughput_and_eta_measured_by_the_trainer_take_precedence()
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        var time = new ManualTime();

        double rate = TrainingProgressBar.Run(console, "Training", totalEpochs: 3, stepsPerEpoch: 2, bar =>
        {
            time.Advance(TimeSpan.FromSeconds(10));
            bar.Report(new TrainingStatus(1, 3, 2, 2, 0.75)
            {
                SamplesPerSecond = 321,
                EstimatedRemaining = TimeSpan.FromSeconds(95),
                EpochCompleted = true,
            });
            return bar.SamplesPerSecond;
        }, time);

        rate.Should().Be(321);
        console.Output.Should().Contain("epoch 1/3  train loss 0.7500  elapsed 0:10  ETA 1:35");
    }

    [Fact]
    public void The_trainers_epoch_report_closes_the_epoch_on_the_bar_with_its_validation_metrics()
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        var step = new TrainingProgress(0, 2, 4, 4, 4, 0.5, 1e-3, 100, TimeSpan.FromSeconds(8));
        var record = new EpochRecord
        {
            Epoch = 0,
            TrainingLoss = 0.5,
            LearningRate = 1e-3,
            Duration = TimeSpan.FromSeconds(8),
            IsBest = true,
            Validation = new ValidationMetrics { Loss = 0.25, RocAuc = 0.97, Eer = 0.05, PairAccuracy = 0.9, Count = 64 },
        };

        TrainingProgressBar.Run(console, "Training", totalEpochs: 2, stepsPerEpoch: 4, bar =>
        {
            var progress = TrainerProgress.For(bar);
            progress.Report(step);
            progress.Report(step with { CompletedEpoch = record });
            return 0;
        });

        // One summary line per epoch, from the report after validation (the last step's report prints none).
        console.Output.Split('\n').Count(l => l.Contains("train loss", StringComparison.Ordinal)).Should().Be(1);
        console.Output.Should().Contain("epoch 1/2  train loss 0.5000  validation loss 0.2500  AUC 0.9700, EER 0.0500, accuracy 0.9000 (best)");
    }

    [Fact]
    public void Description_shows_epoch_step_loss_and_rate_in_invariant_format()
    {
        TrainingProgressBar.Describe(new TrainingStatus(3, 10, 7, 50, 0.123456), 1234.4)
            .Should().Be("epoch 3/10 | step 7/50 | loss 0.1235 | 1234 samples/s");
        TrainingProgressBar.Describe(new TrainingStatus(1, 1, 0, 5, 1), double.NaN)
            .Should().Be("epoch 1/1 | step 0/5 | loss 1.0000");
        TrainingProgressBar.FormatDuration(TimeSpan.FromSeconds(3725)).Should().Be("1:02:05");
    }

    [Fact]
    public async Task Async_run_returns_the_bodys_result()
    {
        var console = new TestConsole();
        int result = await TrainingProgressBar.RunAsync(console, "Training", 1, 1, async bar =>
        {
            await Task.Yield();
            bar.Report(new TrainingStatus(1, 1, 1, 1, 0.1) { EpochCompleted = true });
            return 42;
        });

        result.Should().Be(42);
        console.Output.Should().Contain("epoch 1/1  train loss 0.1000");
    }

    [Fact]
    public void Mapping_a_trainers_progress_type_is_synchronous_and_in_order()
    {
        var seen = new List<(int, int)>();
        int thread = Environment.CurrentManagedThreadId;
        var target = new SynchronousProgress<TrainingStatus>(s =>
        {
            Environment.CurrentManagedThreadId.Should().Be(thread);
            seen.Add((s.Epoch, s.Step));
        });
        var progress = ProgressMapping.Map<(int Epoch, int Step), TrainingStatus>(target, p => new TrainingStatus(p.Epoch, 2, p.Step, 3, 0));

        for (int i = 0; i < 6; i++)
        {
            progress.Report((1 + (i / 3), 1 + (i % 3)));
        }

        seen.Should().Equal((1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3));
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
