using Google.Protobuf;
using Onnx;
using Siamese.Net.Embedding;
using Siamese.Net.Encoders;
using Siamese.Net.Onnx.Bundle;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Onnx.Export;

/// <summary>
/// Exports a Siamese.Net encoder to an ONNX model (opset 17, float32, input <c>images</c> [batch, C, H, W], output
/// <c>embeddings</c> [batch, D], dynamic batch), computing the encoder's inference function.
/// </summary>
/// <remarks>
/// Exportable: SigNet (both variants), Conv4Encoder, FaceSimilarityNet, SmallCnn, KochNet (each with or without
/// <c>NormalizeEmbeddings</c>), a <see cref="SiameseNetwork"/> wrapping one of them or a Sequential, and
/// <c>Sequential</c> stacks (nested too) of Conv2d (zeros, reflect or replicate padding), BatchNorm1d/2d with running
/// statistics (exported as ONNX BatchNormalization in inference form), ReLU, Sigmoid, Tanh, MaxPool2d, AvgPool2d,
/// LocalResponseNorm (the library's or TorchSharp's), ReflectionPad2d, ReplicationPad2d, ZeroPad2d, ConstantPad2d,
/// Linear, Dropout of every kind (the identity at inference), Flatten and Identity. Anything else raises a
/// <see cref="NotSupportedException"/> naming the first unsupported module by its path in the module tree.
/// The module's training flag is ignored and its weights are read, not changed.
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The ONNX operator set the exported graphs use.</summary>
    public const int Opset = 17;

    /// <summary>Exports <paramref name="encoder"/> and returns the serialised ONNX model.</summary>
    /// <param name="encoder">The encoder (see the remarks for what is exportable).</param>
    /// <param name="options">The input shape for a plain Sequential; the library's encoders ignore what they know.</param>
    /// <returns>The ONNX model bytes.</returns>
    /// <exception cref="NotSupportedException">A module in the tree cannot be exported; the message names it.</exception>
    /// <exception cref="ArgumentException">The options contradict the encoder's own input shape.</exception>
    public static byte[] Export(nn.Module<Tensor, Tensor> encoder, OnnxExportOptions? options = null) =>
        Build(encoder, options).Model.ToByteArray();

    /// <summary>Exports <paramref name="encoder"/> to an <c>.onnx</c> file (written to a temporary file, then renamed).</summary>
    /// <param name="encoder">The encoder.</param>
    /// <param name="path">The file to write; replaced if it exists.</param>
    /// <param name="options">The input shape for a plain Sequential.</param>
    /// <exception cref="NotSupportedException">A module in the tree cannot be exported.</exception>
    public static void Export(nn.Module<Tensor, Tensor> encoder, string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = Export(encoder, options);
        string full = Path.GetFullPath(path);
        string temp = full + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Builds the model and reports the shape contract (used by the bundle writer).</summary>
    internal static ExportedModel Build(nn.Module<Tensor, Tensor> encoder, OnnxExportOptions? options)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        options ??= new OnnxExportOptions();
        var image = FindImageEncoder(encoder);
        int? channels = Resolve(image?.InputChannels, options.InputChannels, nameof(options.InputChannels));
        int? height = Resolve(image?.InputHeight, options.InputHeight, nameof(options.InputHeight));
        int? width = Resolve(image?.InputWidth, options.InputWidth, nameof(options.InputWidth));

        var graph = new GraphBuilder(encoder.GetName());
        // The graph's contract names are reserved first, so no layer path can take them.
        graph.Unique(BundleFormat.InputName);
        graph.Unique(BundleFormat.OutputName);
        var translator = new ModuleTranslator(graph);
        long?[] inputShape = [null, channels, height, width];
        var augmentation = options.TestTimeAugmentation;
        string encoderInput = augmentation.ViewCount == 1 ? BundleFormat.InputName : Views(graph, augmentation);
        var (output, shape) = translator.Translate(encoder, string.Empty, encoderInput, inputShape);
        if (options.AppendL2Normalization)
        {
            output = translator.L2Normalize("l2", output);
        }

        if (augmentation.ViewCount > 1)
        {
            output = MeanOverViews(graph, augmentation, output, shape);
        }

        // The graph output needs its own name: a graph whose output is its input (an empty Sequential) or an
        // initializer would not be a valid model.
        output = graph.NodeWithOutput("Identity", BundleFormat.OutputName, [output]);
        graph.Graph.Input.Add(GraphBuilder.FloatValue(BundleFormat.InputName, inputShape, ["batch", "channels", "height", "width"]));
        var dynamicNames = shape.Select((_, i) => i == 0 ? "batch" : $"dim{i}").ToArray();
        graph.Graph.Output.Add(GraphBuilder.FloatValue(output, shape, dynamicNames));

        var model = new ModelProto
        {
            IrVersion = 8, // the IR version that goes with opset 17
            ProducerName = "Siamese.Net.Onnx.Export",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        return new ExportedModel(model, channels, height, width, shape.Length == 2 ? (int?)shape[1] : null);
    }

    /// <summary>
    /// The views of a <see cref="TestTimeAugmentation"/> stacked along the batch axis, view-major ([V * N, C, H, W]),
    /// built from its <see cref="TestTimeAugmentation.Views"/> as <see cref="Embedder"/> computes them: the encoder
    /// runs once over all of them, and <see cref="MeanOverViews"/> folds them back.
    /// </summary>
    private static string Views(GraphBuilder graph, TestTimeAugmentation augmentation)
    {
        var views = new List<string>();
        foreach (var view in augmentation.Views)
        {
            string image = BundleFormat.InputName;
            if (view.Mirror)
            {
                // Slice with step -1 over the width: from the last column to before the first.
                image = graph.Node("Slice", "tta_mirror", [image, graph.Int64Constant("tta_mirror_starts", [-1], 1), graph.Int64Constant("tta_mirror_ends", [long.MinValue], 1),
                    graph.Int64Constant("tta_mirror_axes", [3], 1), graph.Int64Constant("tta_mirror_steps", [-1], 1)]);
            }

            if (view.ShiftX != 0 || view.ShiftY != 0)
            {
                // Pad every side by p with the edge values, then cut the window moved by (dx, dy). The window's end is
                // counted from the padded end, so height and width may stay dynamic.
                int p = Math.Max(Math.Abs(view.ShiftX), Math.Abs(view.ShiftY));
                string padded = graph.Node("Pad", "tta_padded", [image, graph.Int64Constant("tta_pads", [0, 0, p, p, 0, 0, p, p], 8)], GraphBuilder.String("mode", "edge"));
                long End(int shift) => p + shift == 0 ? long.MaxValue : -(p + shift);
                image = graph.Node("Slice", "tta_shift", [padded, graph.Int64Constant("tta_shift_starts", [p - view.ShiftY, p - view.ShiftX], 2),
                    graph.Int64Constant("tta_shift_ends", [End(view.ShiftY), End(view.ShiftX)], 2), graph.Int64Constant("tta_shift_axes", [2, 3], 2)]);
            }

            views.Add(image);
        }

        return graph.Node("Concat", "tta_views", views, GraphBuilder.Int("axis", 0));
    }

    /// <summary>[V * N, D] view-major embeddings → their mean over the V views, [N, D].</summary>
    private static string MeanOverViews(GraphBuilder graph, TestTimeAugmentation augmentation, string output, long?[] shape)
    {
        if (shape.Length != 2 || shape[1] is not long dimension)
        {
            throw new NotSupportedException("Test-time augmentation needs an encoder whose output is [batch, D] with a known D.");
        }

        string grouped = graph.Node("Reshape", "tta_grouped", [output, graph.Int64Constant("tta_grouped_shape", [augmentation.ViewCount, -1, dimension], 3)]);
        return graph.Node("ReduceMean", "tta_mean", [grouped], GraphBuilder.Ints("axes", [0]), GraphBuilder.Int("keepdims", 0));
    }

    private static ImageEncoder? FindImageEncoder(nn.Module<Tensor, Tensor> encoder) => encoder switch
    {
        ImageEncoder image => image,
        SiameseNetwork { Encoder: ImageEncoder image } => image,
        _ => null,
    };

    private static int? Resolve(int? known, int? requested, string name)
    {
        if (known is { } k && requested is { } r && k != r)
        {
            throw new ArgumentException($"options.{name} is {r} but the encoder takes {k}.", name);
        }

        return known ?? requested;
    }

    /// <summary>An exported model and its input/output contract (null = dynamic).</summary>
    internal sealed record ExportedModel(ModelProto Model, int? Channels, int? Height, int? Width, int? EmbeddingSize);
}
