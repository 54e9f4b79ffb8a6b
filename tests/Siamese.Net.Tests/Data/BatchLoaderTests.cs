using Siamese.Net.Tests.TestSupport;
using System.Collections.Concurrent;
using Siamese.Net.Data;
using Siamese.Net.Imaging;
using TorchSharp;

namespace Siamese.Net.Tests.Data;

public class BatchLoaderTests : SourceTestBase
{
    /// <summary>A source of plain disposables that records what it built, disposed and held at once.</summary>
    private sealed class CountingSource(int batches, int failAt = -1, int delayMs = 1) : IIndexedBatchSource<CountingSource.Item>
    {
        public sealed class Item(CountingSource owner, int index) : IDisposable
        {
            public int Index { get; } = index;

            public bool Disposed { get; private set; }

            public void Dispose()
            {
                if (!Disposed)
                {
                    Disposed = true;
                    Interlocked.Decrement(ref owner._alive);
                }
            }
        }

        private int _alive;
        private int _maxAlive;

        public ConcurrentBag<int> Built { get; } = [];

        public ConcurrentBag<int> Threads { get; } = [];

        public int Alive => Volatile.Read(ref _alive);

        public int MaxAlive => Volatile.Read(ref _maxAlive);

        public int BatchesPerEpoch => batches;

        public IEnumerable<Item> ReadEpoch(int epoch, CancellationToken cancellationToken = default) =>
            Enumerable.Range(0, batches).Select(b => ReadBatch(epoch, b));

        public Item ReadBatch(int epoch, int batchIndex)
        {
            Thread.Sleep(delayMs);
            Threads.Add(Environment.CurrentManagedThreadId);
            if (batchIndex == failAt)
            {
                throw new InvalidDataException($"batch {batchIndex} is corrupt");
            }

            int alive = Interlocked.Increment(ref _alive);
            int seen;
            while (alive > (seen = Volatile.Read(ref _maxAlive)) && Interlocked.CompareExchange(ref _maxAlive, alive, seen) != seen)
            {
            }

            Built.Add(batchIndex);
            return new Item(this, batchIndex);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Yields_exactly_the_sequential_batches_whatever_the_worker_count(int workers)
    {
        var ds = Folders([3, 4, 3, 5]);
        var options = new BatchOptions { BatchSize = 4, Seed = 11, Augmentation = ImageAugmentation.Koch with { ComponentProbability = 1 } };
        var source = new BalancedPairSource(ds, Store(), options, 22);
        var expected = source.ReadEpoch(2).ToList();
        var loader = new BatchLoader<LabelledBatch>(source, new BatchLoaderOptions { WorkerCount = workers, PrefetchBatches = 3 });
        var actual = loader.ReadEpoch(2).ToList();
        actual.Should().HaveCount(expected.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            actual[i].First().allclose(expected[i].First(), rtol: 0, atol: 0).Should().BeTrue($"batch {i} first");
            actual[i].Second().allclose(expected[i].Second(), rtol: 0, atol: 0).Should().BeTrue($"batch {i} second");
            actual[i].PairLabels().Should().Equal(expected[i].PairLabels());
        }

        foreach (var b in expected.Concat(actual))
        {
            b.Dispose();
        }

        loader.ActiveWorkers.Should().Be(0);
    }

    [Fact]
    public void Work_happens_on_background_threads_and_memory_is_bounded()
    {
        var source = new CountingSource(40, delayMs: 2);
        var loader = new BatchLoader<CountingSource.Item>(source, new BatchLoaderOptions { WorkerCount = 2, PrefetchBatches = 3 });
        var order = new List<int>();
        foreach (var item in loader.ReadEpoch(0))
        {
            order.Add(item.Index);
            Thread.Sleep(1);
            item.Dispose();
        }

        order.Should().Equal(Enumerable.Range(0, 40));
        source.Threads.Should().NotContain(Environment.CurrentManagedThreadId);
        source.MaxAlive.Should().BeLessThanOrEqualTo(3 + 1, "at most PrefetchBatches ahead, plus the one the consumer holds");
        loader.ActiveWorkers.Should().Be(0);
    }

    [Fact]
    public void Breaking_early_stops_the_workers_and_disposes_unyielded_batches()
    {
        var source = new CountingSource(100);
        var loader = new BatchLoader<CountingSource.Item>(source, new BatchLoaderOptions { WorkerCount = 2, PrefetchBatches = 8 });
        foreach (var item in loader.ReadEpoch(0))
        {
            item.Dispose();
            if (item.Index == 5)
            {
                break;
            }
        }

        loader.ActiveWorkers.Should().Be(0);
        source.Alive.Should().Be(0, "batches built ahead but never yielded are disposed");
        source.Built.Count.Should().BeLessThan(100);
    }

    [Fact]
    public void A_worker_failure_surfaces_at_its_position_after_the_earlier_batches()
    {
        var source = new CountingSource(20, failAt: 7);
        var loader = new BatchLoader<CountingSource.Item>(source, new BatchLoaderOptions { WorkerCount = 3, PrefetchBatches = 6 });
        var received = new List<int>();
        var act = () =>
        {
            foreach (var item in loader.ReadEpoch(0))
            {
                received.Add(item.Index);
                item.Dispose();
            }
        };
        act.Should().Throw<InvalidDataException>().WithMessage("batch 7 is corrupt");
        received.Should().Equal(Enumerable.Range(0, 7));
        loader.ActiveWorkers.Should().Be(0);
        source.Alive.Should().Be(0);
    }

    [Fact]
    public void Cancellation_throws_and_leaves_nothing_running()
    {
        var source = new CountingSource(1000, delayMs: 2);
        var loader = new BatchLoader<CountingSource.Item>(source, new BatchLoaderOptions { WorkerCount = 2 });
        using var cts = new CancellationTokenSource();
        int count = 0;
        var act = () =>
        {
            foreach (var item in loader.ReadEpoch(0, cts.Token))
            {
                item.Dispose();
                if (++count == 3)
                {
                    cts.Cancel();
                }
            }
        };
        act.Should().Throw<OperationCanceledException>();
        count.Should().Be(3);
        loader.ActiveWorkers.Should().Be(0);
        source.Alive.Should().Be(0);
    }

    [Fact]
    public void Zero_workers_reads_on_the_calling_thread()
    {
        var source = new CountingSource(3, delayMs: 0);
        var loader = new BatchLoader<CountingSource.Item>(source, new BatchLoaderOptions { WorkerCount = 0 });
        loader.ReadEpoch(0).Select(i => { i.Dispose(); return i.Index; }).Should().Equal(0, 1, 2);
        source.Threads.Should().OnlyContain(t => t == Environment.CurrentManagedThreadId);
    }

    [Fact]
    public void Options_are_validated()
    {
        FluentActions.Invoking(() => new BatchLoaderOptions { WorkerCount = -1 }).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("WorkerCount");
        FluentActions.Invoking(() => new BatchLoaderOptions { PrefetchBatches = 0 }).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("PrefetchBatches");
        var loader = new BatchLoader<CountingSource.Item>(new CountingSource(1));
        FluentActions.Invoking(() => loader.ReadEpoch(-1)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
