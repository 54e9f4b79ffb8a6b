using Siamese.Net.Encoders;
using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using Siamese.Net.Onnx.Export;
using Siamese.Net.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;
using SearchAggregation = Siamese.Net.Search.KShotAggregation;

namespace Siamese.Net.Onnx.Tests;

/// <summary>Synthetic classes on disk, a lightly trained Conv-4 and the bundle built from a core classifier.</summary>
internal static class Fixtures
{
    public const int Side = 28;

    public static ImagePreprocessing Preprocessing { get; } = new() { Width = Side, Height = Side, ResizeMode = global::Siamese.Net.Imaging.ResizeMode.Bilinear };

    /// <summary>A Conv-4 with an embedding layer after a few SGD steps (non-trivial BatchNorm statistics).</summary>
    public static Conv4Encoder TrainedEncoder(int seed = 3)
    {
        torch.manual_seed(seed);
        var encoder = new Conv4Encoder(new EncoderOptions { InputHeight = Side, InputWidth = Side, EmbeddingSize = 32 });
        Parity.Train(encoder, [8, 1, Side, Side]);
        return encoder;
    }

    /// <summary>
    /// Grey 32x30 PNGs: each class is a random base picture; its shots and known queries are the base with a little
    /// noise; the "stranger" queries are new random pictures, which should come out unknown.
    /// </summary>
    public static (Dictionary<string, string[]> Support, string[] KnownQueries, string[] StrangerQueries) WriteImages(string folder, int classes = 5, int seed = 11)
    {
        var random = new Random(seed);
        const int w = 32, h = 30;
        int[] Base() => Enumerable.Range(0, w * h).Select(_ => random.Next(256)).ToArray();
        int[] Noisy(int[] b) => b.Select(v => Math.Clamp(v + random.Next(-12, 13), 0, 255)).ToArray();
        string Write(string name, int[] pixels)
        {
            var path = Path.Combine(folder, name);
            File.WriteAllBytes(path, TestImageWriter.GreyPng(w, h, (x, y) => pixels[(y * w) + x]));
            return path;
        }

        var support = new Dictionary<string, string[]>();
        var known = new List<string>();
        for (int c = 0; c < classes; c++)
        {
            var b = Base();
            string label = $"class-{(char)('a' + c)}";
            support[label] = [Write($"{label}-0.png", Noisy(b)), Write($"{label}-1.png", Noisy(b))];
            known.Add(Write($"{label}-query.png", Noisy(b)));
        }

        var strangers = Enumerable.Range(0, 4).Select(i => Write($"stranger-{i}.png", Base())).ToArray();
        return (support, [.. known], strangers);
    }

    /// <summary>
    /// What the lead's OneShotClassifier.ExportOnnx will do: read the classifier's encoder, preprocessing, distance,
    /// threshold, top-k, aggregation and per-class support embeddings, and write the bundle from those primitives.
    /// </summary>
    public static void WriteBundle(string path, OneShotClassifier classifier)
    {
        var labels = new List<string>();
        var rows = new List<float>();
        foreach (var label in classifier.Classes)
        {
            using var embeddings = classifier.GetClassEmbeddings(label);
            labels.AddRange(Enumerable.Repeat(label, (int)embeddings.shape[0]));
            rows.AddRange(embeddings.contiguous().data<float>().ToArray());
        }

        var metric = classifier.Distance.Metric ?? throw new InvalidOperationException("The distance has no vector metric.");
        OnnxBundle.Write(path, classifier.Encoder, classifier.Preprocessing, metric, classifier.Threshold, classifier.TopK,
            Enum.Parse<SearchAggregation>(classifier.Aggregation.ToString()), labels, rows.ToArray());
    }

    /// <summary>A threshold in the middle of the widest gap between the sorted nearest distances (robust to float noise).</summary>
    public static double ThresholdInWidestGap(IReadOnlyList<double> distances)
    {
        var sorted = distances.Order().ToArray();
        int best = 0;
        for (int i = 1; i < sorted.Length - 1; i++)
        {
            if (sorted[i + 1] - sorted[i] > sorted[best + 1] - sorted[best])
            {
                best = i;
            }
        }

        return (sorted[best] + sorted[best + 1]) / 2;
    }
}
