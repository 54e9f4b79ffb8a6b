using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Siamese.Net.Native;
using Siamese.Net.Onnx.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Onnx.Benchmarks;

/// <summary>Embeddings per second, eval mode, random images, the same intra-op thread count on both sides.</summary>
internal static class ThroughputCommand
{
    public static int Run(string[] args)
    {
        TorchRuntime.EnsureConfigured();
        int threads = Models.Parse(args, "--threads", torch.get_num_threads());
        int reps = Models.Parse(args, "--reps", 5);
        torch.set_num_threads(threads);
        Console.WriteLine($"threads={threads} reps={reps} (median of timed calls after 2 warm-ups); cpu={Environment.ProcessorCount} logical");
        Console.WriteLine("| Encoder | Batch | TorchSharp (embeddings/s) | ONNX Runtime (embeddings/s) | ONNX / TorchSharp |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var name in Models.Names)
        {
            using var encoder = Models.Create(name);
            var preprocessing = new OnnxImagePreprocessing { Width = 105, Height = 105 };
            using var embedder = new OnnxEmbedder(
                OnnxExporter.Export(encoder), preprocessing, () => new SessionOptions { IntraOpNumThreads = threads }, batchSize: 64);
            foreach (int batch in new[] { 1, 64 })
            {
                var images = new float[batch * preprocessing.ImageLength];
                var random = new Random(batch);
                for (int i = 0; i < images.Length; i++)
                {
                    images[i] = (float)random.NextDouble();
                }

                int count = batch == 1 ? reps * 6 : reps;
                double torchSeconds = Time(count, () =>
                {
                    using var noGrad = no_grad();
                    using var scope = NewDisposeScope();
                    var x = tensor(images, [batch, 1, 105, 105]);
                    _ = encoder.call(x).data<float>()[0];
                });
                double onnxSeconds = Time(count, () => _ = embedder.Embed(images)[0]);
                Console.WriteLine($"| {name} | {batch} | {batch / torchSeconds:F1} | {batch / onnxSeconds:F1} | {torchSeconds / onnxSeconds:F2}x |");
            }
        }

        return 0;
    }

    private static double Time(int reps, Action action)
    {
        action();
        action();
        var times = new List<double>();
        for (int r = 0; r < reps; r++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalSeconds);
        }

        return Models.Median(times);
    }
}
