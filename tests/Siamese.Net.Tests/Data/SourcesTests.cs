using Siamese.Net.Data;
using Siamese.Net.Imaging;
using Siamese.Net.Tests.TestSupport;
using TorchSharp;

namespace Siamese.Net.Tests.Data;

public class SourcesTests : SourceTestBase
{
    [Fact]
    public void Balanced_pairs_are_half_same_half_different_and_targets_match_the_images()
    {
        var ds = Folders([3, 4, 2, 5]);
        var source = new BalancedPairSource(ds, Store(), new BatchOptions { BatchSize = 10, Seed = 1 }, pairsPerEpoch: 25);
        source.BatchesPerEpoch.Should().Be(3);
        int total = 0;
        foreach (var batch in source.ReadEpoch(0))
        {
            using (batch)
            {
                var labels = batch.PairLabels();
                var first = Identify(batch.First());
                var second = Identify(batch.Second());
                labels.Count(l => l == PairLabel.Same).Should().BeInRange(labels.Length / 2, (labels.Length / 2) + 1);
                for (int i = 0; i < labels.Length; i++)
                {
                    (first[i].Class == second[i].Class).Should().Be(labels[i] == PairLabel.Same);
                    first[i].Should().NotBe(second[i], "a same pair uses two distinct images");
                }

                total += labels.Length;
            }
        }

        total.Should().Be(25);
    }

    [Fact]
    public void Same_seed_and_epoch_give_identical_batches_other_epochs_differ()
    {
        var ds = Folders([3, 3, 3]);
        var options = new BatchOptions { BatchSize = 6, Seed = 5, Augmentation = ImageAugmentation.Koch with { ComponentProbability = 1 } };
        var a = new BalancedPairSource(ds, Store(), options, 6);
        var b = new BalancedPairSource(ds, Store(cache: true), options, 6);
        using var a0 = a.ReadBatch(0, 0);
        using var b0 = b.ReadBatch(0, 0);
        using var a1 = a.ReadBatch(1, 0);
        a0.First().allclose(b0.First(), rtol: 0, atol: 0).Should().BeTrue("streaming and cached reads must agree exactly");
        a0.Second().allclose(b0.Second(), rtol: 0, atol: 0).Should().BeTrue();
        a0.First().allclose(a1.First(), rtol: 0, atol: 0).Should().BeFalse();
    }

    [Fact]
    public void One_class_dataset_cannot_make_pairs_or_triplets()
    {
        var ds = Folders([4]);
        FluentActions.Invoking(() => new BalancedPairSource(ds, Store(), new BatchOptions(), 10))
            .Should().Throw<InvalidOperationException>().WithMessage("*at least 2 classes*no different pair*");
        FluentActions.Invoking(() => new TripletSource(ds, Store(), new BatchOptions(), 10))
            .Should().Throw<InvalidOperationException>().WithMessage("*at least 2 classes*");
    }

    [Fact]
    public void Pair_list_visits_every_pair_once_per_epoch_in_a_seeded_order()
    {
        var ds = Folders([2, 2]);
        var paths = ds.Images.Select(i => i.Path).ToArray();
        var pairs = new List<ImagePair>
        {
            new(paths[0], paths[1], PairLabel.Same),
            new(paths[0], paths[2], PairLabel.Different),
            new(paths[2], paths[3], PairLabel.Same),
            new(paths[1], paths[3], PairLabel.Different),
            new(paths[1], paths[2], PairLabel.Different),
        };
        var source = new PairListSource(pairs, Store(), new BatchOptions { BatchSize = 2, Seed = 9 });
        source.BatchesPerEpoch.Should().Be(3);

        List<string> Epoch(int e)
        {
            var seen = new List<string>();
            foreach (var batch in source.ReadEpoch(e))
            {
                using (batch)
                {
                    var f = Identify(batch.First());
                    var s = Identify(batch.Second());
                    var l = batch.PairLabels();
                    for (int i = 0; i < l.Length; i++)
                    {
                        (f[i].Class == s[i].Class).Should().Be(l[i] == PairLabel.Same);
                        seen.Add($"{f[i]}-{s[i]}");
                    }
                }
            }

            return seen;
        }

        var e0 = Epoch(0);
        e0.Should().HaveCount(5).And.OnlyHaveUniqueItems();
        Epoch(0).Should().Equal(e0);
        Enumerable.Range(1, 5).Select(e => string.Join("|", Epoch(e))).Should().Contain(x => x != string.Join("|", e0));

        var ordered = new PairListSource(pairs, Store(), new BatchOptions { BatchSize = 5 }, shuffle: false);
        using var all = ordered.ReadBatch(3, 0);
        all.PairLabels().Should().Equal(pairs.Select(p => p.Label));
    }

    [Fact]
    public void Triplets_have_a_distinct_positive_of_the_anchor_class_and_a_negative_of_another()
    {
        var ds = Folders([2, 3, 1]);
        var source = new TripletSource(ds, Store(), new BatchOptions { BatchSize = 16, Seed = 2 }, 16);
        using var batch = source.ReadBatch(0, 0);
        var a = Identify(batch.TripletPart(0));
        var p = Identify(batch.TripletPart(1));
        var n = Identify(batch.TripletPart(2));
        for (int i = 0; i < 16; i++)
        {
            p[i].Class.Should().Be(a[i].Class);
            p[i].Index.Should().NotBe(a[i].Index);
            n[i].Class.Should().NotBe(a[i].Class);
            a[i].Class.Should().NotBe(2, "a class with one image cannot anchor");
        }
    }

    [Fact]
    public void Labelled_batches_cover_each_image_once_per_epoch_with_its_class()
    {
        var ds = Folders([3, 2, 4], mixedSizes: true);
        var source = new LabelledBatchSource(ds, Store(), new BatchOptions { BatchSize = 4, Seed = 1 });
        var seen = new List<(int, int)>();
        foreach (var batch in source.ReadEpoch(0))
        {
            using (batch)
            {
                batch.Images.shape.Should().Equal(batch.Count, 1, 8, 8);
                var ids = batch.Labels!.data<long>().ToArray();
                var who = Identify(batch.Images);
                for (int i = 0; i < ids.Length; i++)
                {
                    who[i].Class.Should().Be((int)ids[i]);
                    seen.Add(who[i]);
                }
            }
        }

        seen.Should().HaveCount(9).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void P_by_K_batches_hold_P_distinct_classes_with_K_images_each()
    {
        var ds = Folders([5, 5, 3, 1, 4]);
        var source = new MPerClassBatchSource(ds, Store(), new MPerClassBatchOptions { ClassesPerBatch = 3, ImagesPerClass = 4, Seed = 4, BatchesPerEpoch = 6 });
        for (int b = 0; b < 6; b++)
        {
            using var batch = source.ReadBatch(0, b);
            var ids = batch.Labels!.data<long>().ToArray();
            ids.Should().HaveCount(12);
            var groups = ids.Select((id, i) => (id, i)).GroupBy(x => x.id).ToList();
            groups.Should().HaveCount(3);
            groups.Should().OnlyContain(g => g.Count() == 4);
            ids.Chunk(4).Should().OnlyContain(chunk => chunk.Distinct().Count() == 1, "batches are grouped by class");
            var who = Identify(batch.Images);
            for (int i = 0; i < 12; i++)
            {
                who[i].Class.Should().Be((int)ids[i]);
            }

            foreach (var g in groups.Where(g => ds.ImagesOfClass((int)g.Key).Count >= 4))
            {
                g.Select(x => who[x.i].Index).Should().OnlyHaveUniqueItems("a class with K or more images is drawn without replacement");
            }
        }

        FluentActions.Invoking(() => new MPerClassBatchSource(ds, Store(), new MPerClassBatchOptions { ClassesPerBatch = 6, ImagesPerClass = 2 })).Should().Throw<ArgumentException>();
        // The one-image class is never drawn: it could only be "paired" with itself.
        FluentActions.Invoking(() => new MPerClassBatchSource(ds, Store(), new MPerClassBatchOptions { ClassesPerBatch = 5, ImagesPerClass = 2 })).Should().Throw<ArgumentException>()
            .WithMessage("*4 of the 5 classes*one item can only pair it with itself*");
        var withoutSingleton = new MPerClassBatchSource(ds, Store(), new MPerClassBatchOptions { ClassesPerBatch = 4, ImagesPerClass = 2, Seed = 1, BatchesPerEpoch = 5 });
        for (int b = 0; b < 5; b++)
        {
            using var batch = withoutSingleton.ReadBatch(0, b);
            batch.Labels!.data<long>().ToArray().Should().NotContain(3, "class 3 has a single image");
        }

        FluentActions.Invoking(() => new MPerClassBatchSource(ds, Store(), new MPerClassBatchOptions { ClassesPerBatch = 2, ImagesPerClass = 0 })).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Episodes_are_N_way_K_shot_with_disjoint_support_and_query()
    {
        var ds = Folders([4, 4, 4, 4, 2]);
        var source = new EpisodeSource(ds, Store(), new EpisodeOptions { Ways = 3, Shots = 2, QueriesPerClass = 2, EpisodesPerEpoch = 5, Seed = 8 });
        for (int e = 0; e < 5; e++)
        {
            using var episode = source.ReadBatch(0, e);
            episode.Ways.Should().Be(3);
            episode.Support.shape.Should().Equal(6, 1, 8, 8);
            episode.Query.shape.Should().Equal(6, 1, 8, 8);
            episode.SupportLabels.data<long>().ToArray().Should().Equal(0, 0, 1, 1, 2, 2);
            var support = Identify(episode.Support);
            var query = Identify(episode.Query);
            var queryLabels = episode.QueryLabels.data<long>().ToArray();
            support.Intersect(query).Should().BeEmpty();
            support.Select(s => s.Class).Distinct().Should().HaveCount(3);
            support.Should().NotContain(s => s.Class == 4, "class 4 has too few images for 2 shots + 2 queries");
            for (int q = 0; q < query.Length; q++)
            {
                query[q].Class.Should().Be(support[(int)queryLabels[q] * 2].Class);
            }

            episode.ClassNames.Should().Equal(support.Where((_, i) => i % 2 == 0).Select(s => ds.ClassNames[s.Class]));
        }

        FluentActions.Invoking(() => new EpisodeSource(ds, Store(), new EpisodeOptions { Ways = 5, Shots = 2, QueriesPerClass = 2, EpisodesPerEpoch = 1 })).Should().Throw<InvalidOperationException>().WithMessage("*5 classes with at least 4 images*4 have*");
    }

    [Fact]
    public void Mixed_image_sizes_come_out_at_the_pipeline_size()
    {
        var ds = Folders([3, 3], mixedSizes: true);
        using var batch = new BalancedPairSource(ds, Store(), new BatchOptions { BatchSize = 8 }, 8).ReadBatch(0, 0);
        batch.First().shape.Should().Equal(8, 1, 8, 8);
    }

    [Fact]
    public void A_corrupt_image_fails_the_batch_with_the_file_name()
    {
        var ds = Folders([2, 2]);
        File.WriteAllText(ds.Images[1].Path, "this is text");
        var source = new LabelledBatchSource(ds, Store(), new BatchOptions { BatchSize = 4 });
        FluentActions.Invoking(() => source.ReadBatch(0, 0)).Should().Throw<InvalidDataException>().WithMessage($"*{ds.Images[1].Path}*not a PNG*");
    }

    [Fact]
    public void Reading_a_batch_leaves_only_the_batch_tensors_alive_on_this_thread()
    {
        var ds = Folders([3, 3]);
        var source = new BalancedPairSource(ds, Store(), new BatchOptions { BatchSize = 4, Augmentation = ImageAugmentation.Koch }, 8);
        using (source.ReadBatch(0, 0))
        {
        }

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var batch = source.ReadBatch(0, 1);
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before + 5, "the images and the four pair-index tensors");
        batch.Dispose();
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);
    }

    [Fact]
    public void Cache_is_filled_on_first_read_and_is_opt_in()
    {
        var ds = Folders([2, 2]);
        var cached = Store(cache: true);
        var streaming = Store();
        using (new LabelledBatchSource(ds, cached, new BatchOptions { BatchSize = 4 }).ReadBatch(0, 0))
        using (new LabelledBatchSource(ds, streaming, new BatchOptions { BatchSize = 4 }).ReadBatch(0, 0))
        {
        }

        cached.CachedCount.Should().Be(4);
        streaming.CachesInMemory.Should().BeFalse();
        streaming.CachedCount.Should().Be(0);
    }

    [Fact]
    public void Batch_index_out_of_range_is_rejected()
    {
        var source = new LabelledBatchSource(Folders([2, 2]), Store(), new BatchOptions { BatchSize = 4 });
        FluentActions.Invoking(() => source.ReadBatch(0, 1)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => source.ReadBatch(-1, 0)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
