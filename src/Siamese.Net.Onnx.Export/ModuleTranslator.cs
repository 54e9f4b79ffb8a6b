using System.Globalization;
using Siamese.Net.Encoders;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using G = Siamese.Net.Onnx.Export.GraphBuilder;
using LibraryLrn = Siamese.Net.Encoders.FastLocalResponseNorm;
using TorchLrn = TorchSharp.Modules.LocalResponseNorm;

namespace Siamese.Net.Onnx.Export;

/// <summary>
/// Translates a TorchSharp module tree into ONNX nodes, computing the eval-mode (inference) function: dropout is the
/// identity and batch normalisation uses its running statistics, whatever the module's training flag.
/// </summary>
/// <remarks>
/// Containers are walked through <c>named_children()</c> in registration order, which is the call order for
/// <see cref="Sequential"/>. The library's encoders do work in their forward that no child shows (the flatten
/// between the convolutional and the dense stack, the optional L2 normalisation), so each is translated
/// explicitly after reading its forward. The shape is tracked (null = dynamic) so flatten and the output know
/// their sizes.
/// </remarks>
internal sealed class ModuleTranslator
{
    private readonly G _graph;

    public ModuleTranslator(G graph) => _graph = graph;

    /// <summary>Translates <paramref name="module"/> applied to <paramref name="input"/> of shape <paramref name="shape"/>.</summary>
    public (string Output, long?[] Shape) Translate(nn.Module module, string path, string input, long?[] shape)
    {
        switch (module)
        {
            case SiameseNetwork siamese:
                // forward only casts to the parameters' precision; the export always computes in float32.
                return Translate(siamese.Encoder, Join(path, "encoder"), input, shape);
            case ImageEncoder encoder:
                return TranslateEncoder(encoder, path, input, shape);
            case Sequential:
                foreach (var (name, child) in module.named_children())
                {
                    (input, shape) = Translate(child, Join(path, name), input, shape);
                }

                return (input, shape);
            case Conv2d conv:
                return Conv(conv, path, input, shape);
            case BatchNorm2d or BatchNorm1d:
                return BatchNorm((BatchNorm)module, path, input, shape);
            case ReLU:
                return (_graph.Node("Relu", Hint(path), [input]), shape);
            case Sigmoid:
                return (_graph.Node("Sigmoid", Hint(path), [input]), shape);
            case Tanh:
                return (_graph.Node("Tanh", Hint(path), [input]), shape);
            case Identity or Dropout or Dropout1d or Dropout2d or Dropout3d or AlphaDropout or FeatureAlphaDropout:
                // Inference: every dropout is the identity.
                return (input, shape);
            case MaxPool2d pool:
                return MaxPool(pool, path, input, shape);
            case AvgPool2d pool:
                return AvgPool(pool, path, input, shape);
            case LibraryLrn lrn:
                return Lrn(lrn.Size, lrn.Alpha, lrn.Beta, lrn.K, path, input, shape);
            case TorchLrn lrn:
                return Lrn(checked((int)lrn.size), lrn.alpha, lrn.beta, lrn.k, path, input, shape);
            case ReflectionPad2d pad:
                return Pad(pad.padding, "reflect", 0, path, input, shape);
            case ReplicationPad2d pad:
                return Pad(pad.padding, "edge", 0, path, input, shape);
            case ZeroPad2d pad:
                return Pad(pad.padding, "constant", 0, path, input, shape);
            case ConstantPad2d pad:
                return Pad(pad.padding, "constant", pad.value, path, input, shape);
            case Linear linear:
                return Linear(linear, path, input, shape);
            case Flatten flatten:
                return Flatten(flatten, path, input, shape);
            default:
                throw Unsupported(module, path, "it is not one of the exportable layers");
        }
    }

    /// <summary>The L2 normalisation of <c>nn.functional.normalize(x, p: 2, dim: 1)</c>: x / max(‖x‖₂, 1e-12).</summary>
    public string L2Normalize(string path, string input)
    {
        string norm = _graph.Node("ReduceL2", Hint(path) + "_norm", [input], G.Ints("axes", [1]), G.Int("keepdims", 1));
        string eps = _graph.Constant(Hint(path) + "_eps", [1e-12f]);
        string clamped = _graph.Node("Max", Hint(path) + "_clamped", [norm, eps]);
        return _graph.Node("Div", Hint(path) + "_normalized", [input, clamped]);
    }

    private (string, long?[]) TranslateEncoder(ImageEncoder encoder, string path, string input, long?[] shape)
    {
        // Every library encoder's Embed is "features = <conv stack>(x).flatten(1); <dense stack>(features)";
        // Conv4Encoder's dense layer is optional. SigNet's channels-last conversion changes strides only.
        (string Conv, string? Dense) children = encoder switch
        {
            SigNet => ("cnn1", "fc1"),
            Conv4Encoder => ("encoder", "fc"),
            FaceSimilarityNet => ("cnn1", "fc1"),
            SmallCnn => ("cnn", "fc"),
            KochNet => ("conv", "liner"),
            _ => throw Unsupported(encoder, path, "its forward is not known to the exporter (wrap its layers in a Sequential instead)"),
        };

        var named = encoder.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        if (!named.TryGetValue(children.Conv, out var conv))
        {
            throw Unsupported(encoder, path, $"its '{children.Conv}' child is missing");
        }

        var (x, s) = Translate(conv, Join(path, children.Conv), input, shape);
        (x, s) = FlattenFrom1(Join(path, "flatten"), x, s);
        if (children.Dense is { } dense && named.TryGetValue(dense, out var fc))
        {
            (x, s) = Translate(fc, Join(path, dense), x, s);
        }

        if (encoder.NormalizeEmbeddings)
        {
            x = L2Normalize(Join(path, "normalize"), x);
        }

        return (x, s);
    }

    private (string, long?[]) Conv(Conv2d conv, string path, string input, long?[] shape)
    {
        if (conv.transposed)
        {
            throw Unsupported(conv, path, "transposed convolution is not exportable");
        }

        RequireRank(conv, path, shape, 4);
        long[] kernel = Pair(conv.kernel_size, 1);
        long[] stride = Pair(conv.stride, 1);
        long[] dilation = Pair(conv.dilation, 1);
        long[] padding = conv.padding_type switch
        {
            Padding.Valid => [0, 0],
            Padding.Same => [-1, -1],
            _ => Pair(conv.padding, 0),
        };
        string x = input;
        if (padding[0] >= 0 && conv.padding_mode != PaddingModes.Zeros)
        {
            string mode = conv.padding_mode switch
            {
                PaddingModes.Reflect => "reflect",
                PaddingModes.Replicate => "edge",
                _ => throw Unsupported(conv, path, $"padding mode {conv.padding_mode} is not exportable"),
            };
            (x, shape) = Pad([padding[1], padding[1], padding[0], padding[0]], mode, 0, path + ".pad", x, shape);
            padding = [0, 0];
        }

        using var scope = NewDisposeScope();
        var weight = Values(conv.weight!);
        string w = _graph.Constant(Hint(path) + "_weight", weight, [.. conv.weight!.shape]);
        var inputs = new List<string> { x, w };
        if (conv.bias is { } bias)
        {
            inputs.Add(_graph.Constant(Hint(path) + "_bias", Values(bias), [bias.shape[0]]));
        }

        var attributes = new List<global::Onnx.AttributeProto>
        {
            G.Ints("kernel_shape", kernel),
            G.Ints("strides", stride),
            G.Ints("dilations", dilation),
            G.Int("group", conv.groups),
        };
        long?[] outShape;
        if (padding[0] < 0)
        {
            // PyTorch's 'same' puts the odd pixel after (right/bottom), as ONNX SAME_UPPER does.
            attributes.Add(G.String("auto_pad", "SAME_UPPER"));
            outShape = [shape[0], conv.out_channels, shape[2], shape[3]];
        }
        else
        {
            attributes.Add(G.Ints("pads", [padding[0], padding[1], padding[0], padding[1]]));
            outShape = [shape[0], conv.out_channels,
                Window(shape[2], kernel[0], stride[0], padding[0], dilation[0], false),
                Window(shape[3], kernel[1], stride[1], padding[1], dilation[1], false)];
        }

        return (_graph.Node("Conv", Hint(path), inputs, [.. attributes]), outShape);
    }

    private (string, long?[]) BatchNorm(BatchNorm bn, string path, string input, long?[] shape)
    {
        if (!bn.track_running_stats || bn.running_mean is null || bn.running_var is null)
        {
            // In eval mode such a layer normalises with the statistics of each batch, which a fixed graph cannot be.
            throw Unsupported(bn, path, "it keeps no running statistics (track_running_stats is false)");
        }

        if (bn is BatchNorm1d && shape.Length == 3)
        {
            // [N, C, L] is BatchNorm1d's other input form; ONNX BatchNormalization takes any rank from 2.
        }
        else
        {
            RequireRank(bn, path, shape, bn is BatchNorm2d ? 4 : 2);
        }
        using var scope = NewDisposeScope();
        long c = bn.num_features;
        float[] gamma = bn.weight is { } w ? Values(w) : Enumerable.Repeat(1f, (int)c).ToArray();
        float[] beta = bn.bias is { } b ? Values(b) : new float[c];
        string h = Hint(path);
        string[] inputs =
        [
            input,
            _graph.Constant(h + "_scale", gamma, c),
            _graph.Constant(h + "_bias", beta, c),
            _graph.Constant(h + "_mean", Values(bn.running_mean), c),
            _graph.Constant(h + "_var", Values(bn.running_var), c),
        ];
        return (_graph.Node("BatchNormalization", h, inputs, G.Float("epsilon", (float)bn.eps)), shape);
    }

    private (string, long?[]) MaxPool(MaxPool2d pool, string path, string input, long?[] shape)
    {
        RequireRank(pool, path, shape, 4);
        long[] kernel = Pair(pool.kernel_size, 1);
        long[] stride = pool.stride is { Length: > 0 } ? Pair(pool.stride, 1) : kernel;
        long[] padding = Pair(pool.padding, 0);
        long[] dilation = Pair(pool.dilation, 1);
        var output = _graph.Node("MaxPool", Hint(path), [input],
            G.Ints("kernel_shape", kernel),
            G.Ints("strides", stride),
            G.Ints("pads", [padding[0], padding[1], padding[0], padding[1]]),
            G.Ints("dilations", dilation),
            G.Int("ceil_mode", pool.ceil_mode ? 1 : 0));
        return (output, PoolShape(shape, kernel, stride, padding, dilation, pool.ceil_mode));
    }

    private (string, long?[]) AvgPool(AvgPool2d pool, string path, string input, long?[] shape)
    {
        if (pool.divisor_override is not null)
        {
            throw Unsupported(pool, path, "divisor_override has no ONNX equivalent");
        }

        RequireRank(pool, path, shape, 4);
        long[] kernel = Pair(pool.kernel_size, 1);
        long[] stride = pool.stride is { Length: > 0 } ? Pair(pool.stride, 1) : kernel;
        long[] padding = Pair(pool.padding, 0);
        var output = _graph.Node("AveragePool", Hint(path), [input],
            G.Ints("kernel_shape", kernel),
            G.Ints("strides", stride),
            G.Ints("pads", [padding[0], padding[1], padding[0], padding[1]]),
            G.Int("ceil_mode", pool.ceil_mode ? 1 : 0),
            G.Int("count_include_pad", pool.count_include_pad ? 1 : 0));
        return (output, PoolShape(shape, kernel, stride, padding, [1, 1], pool.ceil_mode));
    }

    /// <summary>
    /// b_c = a_c · (k + α/n · Σ a_{c'}²)^(−β) with the window c − ⌊n/2⌋ … c + ⌊(n−1)/2⌋ (PyTorch's and the library's).
    /// ONNX LRN sums c − ⌊(n−1)/2⌋ … c + ⌈(n−1)/2⌉ with the same α/n scaling: equal for odd n, so odd sizes use LRN
    /// and even sizes a decomposition (square, pad the channel axis asymmetrically, average pool, scale, power).
    /// </summary>
    private (string, long?[]) Lrn(int size, double alpha, double beta, double k, string path, string input, long?[] shape)
    {
        string h = Hint(path);
        if (size % 2 == 1)
        {
            var lrn = _graph.Node("LRN", h, [input],
                G.Int("size", size), G.Float("alpha", (float)alpha), G.Float("beta", (float)beta), G.Float("bias", (float)k));
            return (lrn, shape);
        }

        if (shape.Length != 4)
        {
            throw new NotSupportedException(
                $"Cannot export '{path}' (LocalResponseNorm of even size {size}): the even-size form is exported for [N, C, H, W] inputs only, this one has rank {shape.Length}.");
        }

        string squared = _graph.Node("Mul", h + "_sq", [input, input]);
        string axis = _graph.Int64Constant(h + "_axis", [1], 1);
        string five = _graph.Node("Unsqueeze", h + "_5d", [squared, axis]);
        long before = size / 2, after = (size - 1) / 2;
        string pads = _graph.Int64Constant(h + "_pads", [0, 0, before, 0, 0, 0, 0, after, 0, 0], 10);
        string padded = _graph.Node("Pad", h + "_padded", [five, pads], G.String("mode", "constant"));
        string mean = _graph.Node("AveragePool", h + "_mean", [padded], G.Ints("kernel_shape", [size, 1, 1]), G.Ints("strides", [1, 1, 1]));
        string four = _graph.Node("Squeeze", h + "_4d", [mean, axis]);
        string scaled = _graph.Node("Mul", h + "_alpha", [four, _graph.Constant(h + "_alpha_value", [(float)alpha])]);
        string shifted = _graph.Node("Add", h + "_k", [scaled, _graph.Constant(h + "_k_value", [(float)k])]);
        string powered = _graph.Node("Pow", h + "_pow", [shifted, _graph.Constant(h + "_beta_value", [(float)beta])]);
        return (_graph.Node("Div", h, [input, powered]), shape);
    }

    private (string, long?[]) Pad(long[] padding, string mode, double value, string path, string input, long?[] shape)
    {
        if (shape.Length != 4)
        {
            throw new NotSupportedException($"Cannot export '{path}' (2-d padding): it needs a [N, C, H, W] input, this one has rank {shape.Length}.");
        }

        // TorchSharp keeps (left, right, top, bottom); ONNX wants all begins then all ends, per axis.
        long[] p = padding.Length == 1 ? [padding[0], padding[0], padding[0], padding[0]] : padding;
        if (p.Length != 4)
        {
            throw new NotSupportedException($"Cannot export '{path}': expected 4 padding values, got {padding.Length}.");
        }

        long left = p[0], right = p[1], top = p[2], bottom = p[3];
        string h = Hint(path);
        string pads = _graph.Int64Constant(h + "_pads", [0, 0, top, left, 0, 0, bottom, right], 8);
        var inputs = new List<string> { input, pads };
        if (mode == "constant" && value != 0)
        {
            inputs.Add(_graph.Constant(h + "_value", [(float)value]));
        }

        string output = _graph.Node("Pad", h, inputs, G.String("mode", mode));
        return (output, [shape[0], shape[1], shape[2] + top + bottom, shape[3] + left + right]);
    }

    private (string, long?[]) Linear(Linear linear, string path, string input, long?[] shape)
    {
        if (shape[^1] is { } last && last != linear.in_features)
        {
            throw new NotSupportedException(
                $"Cannot export '{path}' (Linear {linear.in_features} -> {linear.out_features}): its input has {last} features.");
        }

        using var scope = NewDisposeScope();
        string h = Hint(path);
        // MatMul with the transposed weight works for any rank (Linear acts on the last axis); ONNX Runtime fuses
        // MatMul + Add into Gemm for the usual 2-d case.
        using var transposed = linear.weight!.detach().t();
        string w = _graph.Constant(h + "_weight_t", Values(transposed), linear.in_features, linear.out_features);
        string x = _graph.Node("MatMul", h + "_matmul", [input, w]);
        if (linear.bias is { } bias)
        {
            x = _graph.Node("Add", h, [x, _graph.Constant(h + "_bias", Values(bias), linear.out_features)]);
        }

        long?[] outShape = [.. shape];
        outShape[^1] = linear.out_features;
        return (x, outShape);
    }

    private (string, long?[]) Flatten(Flatten flatten, string path, string input, long?[] shape)
    {
        long end = flatten.end_dim < 0 ? flatten.end_dim + shape.Length : flatten.end_dim;
        if (flatten.start_dim != 1 || end != shape.Length - 1)
        {
            throw new NotSupportedException(
                $"Cannot export '{path}' (Flatten({flatten.start_dim}, {flatten.end_dim})): only flattening every axis after the batch (start_dim 1, end_dim -1) keeps a dynamic batch.");
        }

        return FlattenFrom1(path, input, shape);
    }

    private (string, long?[]) FlattenFrom1(string path, string input, long?[] shape)
    {
        if (shape.Length == 2)
        {
            return (input, shape);
        }

        long? features = 1;
        foreach (var d in shape.Skip(1))
        {
            features = features * d;
        }

        return (_graph.Node("Flatten", Hint(path), [input], G.Int("axis", 1)), [shape[0], features]);
    }

    private static long?[] PoolShape(long?[] shape, long[] kernel, long[] stride, long[] padding, long[] dilation, bool ceil) =>
    [
        shape[0], shape[1],
        Window(shape[2], kernel[0], stride[0], padding[0], dilation[0], ceil),
        Window(shape[3], kernel[1], stride[1], padding[1], dilation[1], ceil),
    ];

    private static long? Window(long? size, long kernel, long stride, long padding, long dilation, bool ceil)
    {
        if (size is not { } n)
        {
            return null;
        }

        long span = (dilation * (kernel - 1)) + 1;
        long numerator = n + (2 * padding) - span;
        if (numerator < 0)
        {
            return 0;
        }

        long output = (ceil ? (numerator + stride - 1) / stride : numerator / stride) + 1;
        // PyTorch's rule: with ceil mode the last window must start inside the input or its left padding.
        if (ceil && (output - 1) * stride >= n + padding)
        {
            output--;
        }

        return output;
    }

    private static void RequireRank(nn.Module module, string path, long?[] shape, int rank)
    {
        if (shape.Length != rank)
        {
            throw new NotSupportedException(
                $"Cannot export '{path}' ({module.GetType().Name}): it needs a rank-{rank} input here, the graph gives rank {shape.Length}.");
        }
    }

    private static long[] Pair(long[]? values, long fallback) => values switch
    {
        null or { Length: 0 } => [fallback, fallback],
        { Length: 1 } => [values[0], values[0]],
        _ => [values[0], values[1]],
    };

    private static float[] Values(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        return tensor.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static string Hint(string path) => path.Length == 0 ? "x" : path;

    private static NotSupportedException Unsupported(nn.Module module, string path, string why) =>
        new(string.Create(
            CultureInfo.InvariantCulture,
            $"Cannot export module '{(path.Length == 0 ? "<root>" : path)}' of type {module.GetType().FullName} to ONNX: {why}. Exportable: Sequential of Conv2d, BatchNorm1d/2d (with running statistics), ReLU, Sigmoid, Tanh, MaxPool2d, AvgPool2d, LocalResponseNorm (the library's or TorchSharp's), ReflectionPad2d, ReplicationPad2d, ZeroPad2d, ConstantPad2d, Linear, Dropout, Flatten, Identity; the library's encoders; SiameseNetwork."));
}
