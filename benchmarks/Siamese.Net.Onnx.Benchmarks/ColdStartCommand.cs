using System.Diagnostics;
using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using Siamese.Net.Onnx.Export;
using StbImageWriteSharp;
using TorchSharp;

namespace Siamese.Net.Onnx.Benchmarks;

/// <summary>
/// Writes, per encoder, an ONNX bundle and a TorchSharp <c>.siamese</c> classifier with the same single support image,
/// then launches this program as a deployed app (child-onnx / child-torch) several times and takes the median wall
/// time from Process.Start to the child's exit right after its first prediction.
/// </summary>
internal static class ColdStartCommand
{
    public static int Run(string[] args)
    {
        int runs = Models.Parse(args, "--runs", 3);
        string folder = Path.Combine(Path.GetTempPath(), "siamese-onnx-coldstart-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string image = Path.Combine(folder, "query.png");
            var random = new Random(3);
            var pixels = Enumerable.Range(0, 105 * 105).Select(_ => (byte)random.Next(256)).ToArray();
            using (var stream = File.Create(image))
            {
                new ImageWriter().WritePng(pixels, 105, 105, ColorComponents.Grey, stream);
            }

            var preprocessing = new ImagePreprocessing { Width = 105, Height = 105 };
            Console.WriteLine($"runs={runs} (median wall time, process start to exit after the first prediction)");
            Console.WriteLine("| Encoder | ONNX bundle (Siamese.Net.Onnx) | TorchSharp classifier (Siamese.Net + libtorch) |");
            Console.WriteLine("|---|---|---|");
            foreach (var name in Models.Names)
            {
                string bundle = Path.Combine(folder, name + ".siamese-onnx");
                string classifierFile = Path.Combine(folder, name + ".siamese");
                using (var encoder = Models.Create(name))
                using (var classifier = new OneShotClassifier(encoder, preprocessing))
                {
                    classifier.AddClass("query", [image]);
                    classifier.Save(classifierFile);
                    using var rows = classifier.GetClassEmbeddings("query");
                    OnnxBundle.Write(bundle, encoder, preprocessing, Search.KnownMetrics.Euclidean, null, 1, Search.KShotAggregation.NearestSample,
                        ["query"], rows.contiguous().data<float>().ToArray());
                }

                double onnx = Median(runs, "child-onnx", bundle, image);
                double torch = Median(runs, "child-torch", classifierFile, image, name);
                Console.WriteLine($"| {name} | {onnx:F0} ms | {torch:F0} ms |");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        return 0;
    }

    private static double Median(int runs, params string[] childArgs)
    {
        var times = new List<double>();
        for (int r = 0; r < runs; r++)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add(typeof(ColdStartCommand).Assembly.Location);
            foreach (var a in childArgs)
            {
                start.ArgumentList.Add(a);
            }

            var watch = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            times.Add(watch.Elapsed.TotalMilliseconds);
            if (process.ExitCode != 0 || !output.Contains("PREDICTED query", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{childArgs[0]} failed: {output}");
            }

            if (r == 0)
            {
                Console.Error.WriteLine($"  {childArgs[0]}: {output.Trim()}");
            }
        }

        return Models.Median(times);
    }
}

/// <summary>The deployed ONNX app: load the bundle, predict once. Touches no TorchSharp type.</summary>
internal static class OnnxChild
{
    public static int Run(string[] args)
    {
        using var classifier = OnnxOneShotClassifier.Load(args[0]);
        var prediction = classifier.Predict(args[1]);
        bool torchLoaded = AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "TorchSharp");
        Console.WriteLine($"PREDICTED {prediction.Label} torchsharp-loaded={torchLoaded}");
        return 0;
    }
}

/// <summary>The deployed TorchSharp app: load the .siamese classifier into a fresh encoder, predict once.</summary>
internal static class TorchChild
{
    public static int Run(string[] args)
    {
        using var encoder = Models.Create(args[2]);
        using var classifier = OneShotClassifier.Load(args[0], encoder);
        var prediction = classifier.Predict(args[1]);
        Console.WriteLine($"PREDICTED {prediction.Label} torch-threads={torch.get_num_threads()}");
        return 0;
    }
}
