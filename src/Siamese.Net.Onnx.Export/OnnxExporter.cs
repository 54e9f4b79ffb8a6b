using Google.Protobuf;
using Onnx;
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
        var (output, shape) = translator.Translate(encoder, string.Empty, BundleFormat.InputName, inputShape);
        if (options.AppendL2Normalization)
        {
            output = translator.L2Normalize("l2", output);
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
