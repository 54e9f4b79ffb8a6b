using System.Diagnostics;
using System.Globalization;
using Siamese.Net.Distances;
using Siamese.Net.Embedding;
using Siamese.Net.Encoders;
using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using Siamese.Net.Search;
using static TorchSharp.torch;

namespace Siamese.Net.Benchmarks.Inference;

/// <summary>
/// Agreement and speed of the bfloat16 candidate pass against pure float32 ranking (issue 18, part 2b), on real
/// embeddings: the Omniglot background images (19,280) embedded by a randomly initialised Conv4Encoder at 28x28, each
/// also mirrored (38,560 embeddings of D = 64); 1,000 of them are the queries and the rest the support set (one class
/// per row, the hardest case for a candidate pass). Then on 100,000 random Gaussian vectors of D = 128 with 1,000
/// queries (the worst case: nearest distances nearly tie; also the timing case of the issue). Prints, per distance and
/// candidate factor, the share of queries whose top-5 classes are identical, the largest distance difference, and the
/// median wall time of a 1,000-query search.
/// Usage: <c>candidate-pass &lt;omniglot images_background&gt; [repetitions=3] [embedding cache file]</c>.
/// </summary>
internal static class CandidatePassCommand
{
    public static int Run(string[] args)
    {
        if (args.Length < 1 || !Directory.Exists(args[0]))
        {
            Console.Error.WriteLine("usage: candidate-pass <omniglot images_background folder> [repetitions=3] [cache.f32]");
            return 2;
        }

        int repetitions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        string cache = args.Length > 2 ? args[2] : Path.Combine(Path.GetTempPath(), "siamese-omniglot-conv4-embeddings.f32");
        using var real = LoadOrEmbed(args[0], cache);
        long supportRows = real.shape[0] - 1000;
        Console.WriteLine($"# torch threads {get_num_threads()}; real embeddings [{real.shape[0]}, {real.shape[1]}]: 1,000 queries x {supportRows} supports, top-5");
        var generator = new Generator(7);
        using var order = randperm(real.shape[0], generator: generator);
        using var shuffled = real.index_select(0, order);
        using var support = shuffled.narrow(0, 0, supportRows).contiguous();
        using var queries = shuffled.narrow(0, supportRows, 1000).contiguous();
        Measure("omniglot-conv4", support, queries, repetitions);

        using var randomSupport = randn(100_000, 128, generator: generator);
        using var randomQueries = randn(1000, 128, generator: generator);
        Measure("gaussian-128", randomSupport, randomQueries, repetitions);
        return 0;
    }

    private static void Measure(string data, Tensor support, Tensor queries, int repetitions)
    {
        var labels = Enumerable.Range(0, (int)support.shape[0]).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        foreach (IDistance distance in new IDistance[] { new EuclideanDistance(), new CosineDistance() })
        {
            using var exact = new TensorSupportIndex(distance, new TensorSupportIndexOptions { CandidatePrecision = null });
            exact.Add(labels, support);
            var reference = exact.Search(queries, 5);
            double exactSeconds = Time(() => exact.Search(queries, 5), repetitions);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{data} {distance.Name} float32: {exactSeconds:F3} s"));
            foreach (int factor in new[] { 2, 4, 8 })
            {
                using var fast = new TensorSupportIndex(distance, new TensorSupportIndexOptions { CandidatePrecision = ScalarType.BFloat16, CandidateFactor = factor });
                fast.Add(labels, support);
                var found = fast.Search(queries, 5);
                int same = 0, sameTop1 = 0;
                double worst = 0;
                for (int q = 0; q < found.Length; q++)
                {
                    same += found[q].Select(m => m.Label).SequenceEqual(reference[q].Select(m => m.Label)) ? 1 : 0;
                    sameTop1 += found[q][0].Label == reference[q][0].Label ? 1 : 0;
                    worst = Math.Max(worst, found[q].Zip(reference[q]).Max(p => Math.Abs(p.First.Distance - p.Second.Distance)));
                }

                double seconds = Time(() => fast.Search(queries, 5), repetitions);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{data} {distance.Name} bf16 x{factor}: top-5 identical {100.0 * same / found.Length:F2} %, top-1 {100.0 * sameTop1 / found.Length:F2} %, max |distance diff| {worst:G3}; {seconds:F3} s ({exactSeconds / seconds:F2}x)"));
            }
        }
    }

    private static double Time(Action search, int repetitions)
    {
        search();
        var seconds = new List<double>();
        for (int i = 0; i < repetitions; i++)
        {
            var clock = Stopwatch.StartNew();
            search();
            seconds.Add(clock.Elapsed.TotalSeconds);
        }

        seconds.Sort();
        return seconds[seconds.Count / 2];
    }

    private static Tensor LoadOrEmbed(string root, string cache)
    {
        const int D = 64;
        if (File.Exists(cache))
        {
            var bytes = File.ReadAllBytes(cache);
            var values = new float[bytes.Length / sizeof(float)];
            Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
            return tensor(values, [values.Length / D, D]);
        }

        var paths = Directory.EnumerateFiles(root, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        manual_seed(1);
        using var encoder = new Conv4Encoder(new EncoderOptions { InputHeight = 28, InputWidth = 28 });
        var preprocessing = new ImagePreprocessing { Width = 28, Height = 28, ResizeMode = ResizeMode.Area, Invert = true };
        var embedder = new Embedder(encoder, options: new EmbedderOptions { BatchSize = 256 });
        var parts = new List<Tensor>();
        var clock = Stopwatch.StartNew();
        int done = 0;
        foreach (var chunk in paths.Chunk(1024))
        {
            using var scope = NewDisposeScope();
            var images = stack(chunk.Select(p => preprocessing.Load(p)), 0);
            parts.Add(embedder.EmbedPreprocessed(images).MoveToOuterDisposeScope());
            parts.Add(embedder.EmbedPreprocessed(images.flip(3)).MoveToOuterDisposeScope());
            done += chunk.Length;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# embedded {done}/{paths.Length} images ({clock.Elapsed.TotalSeconds:F0} s)"));
        }

        var all = cat(parts, 0);
        foreach (var part in parts)
        {
            part.Dispose();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# embedded {paths.Length} images x 2 in {clock.Elapsed.TotalSeconds:F0} s"));
        File.WriteAllBytes(cache, System.Runtime.InteropServices.MemoryMarshal.AsBytes(all.contiguous().data<float>().ToArray().AsSpan()).ToArray());
        return all;
    }
}
