using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;

namespace Siamese.Net.Onnx.Export;

/// <summary>Accumulates ONNX nodes and initializers with unique names; one instance per exported graph.</summary>
internal sealed class GraphBuilder
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public GraphBuilder(string name) => Graph = new GraphProto { Name = name };

    public GraphProto Graph { get; }

    /// <summary>Adds a float32 initializer (little-endian raw data).</summary>
    public string Constant(string hint, ReadOnlySpan<float> values, params long[] dims)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        return AddInitializer(hint, TensorProto.Types.DataType.Float, bytes, dims);
    }

    /// <summary>Adds an int64 initializer (shapes, axes, pads).</summary>
    public string Int64Constant(string hint, ReadOnlySpan<long> values, params long[] dims)
    {
        var bytes = new byte[values.Length * sizeof(long)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), values[i]);
        }

        return AddInitializer(hint, TensorProto.Types.DataType.Int64, bytes, dims);
    }

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string opType, string hint, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        string output = Unique(hint);
        var node = new NodeProto { OpType = opType, Name = output + "/" + opType };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    /// <summary>Adds a node whose output has exactly <paramref name="output"/>, a name reserved earlier with <see cref="Unique"/>.</summary>
    public string NodeWithOutput(string opType, string output, IEnumerable<string> inputs)
    {
        var node = new NodeProto { OpType = opType, Name = output + "/" + opType };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        Graph.Node.Add(node);
        return output;
    }

    public static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>A graph input or output: float32 with the given dims, null dims becoming named dynamic dimensions.</summary>
    public static ValueInfoProto FloatValue(string name, IReadOnlyList<long?> dims, IReadOnlyList<string> dynamicNames)
    {
        var shape = new TensorShapeProto();
        for (int i = 0; i < dims.Count; i++)
        {
            shape.Dim.Add(dims[i] is { } d
                ? new TensorShapeProto.Types.Dimension { DimValue = d }
                : new TensorShapeProto.Types.Dimension { DimParam = dynamicNames[i] });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }

    public string Unique(string hint)
    {
        string clean = string.IsNullOrEmpty(hint) ? "t" : hint;
        string name = clean;
        for (int i = 1; !_names.Add(name); i++)
        {
            name = $"{clean}_{i}";
        }

        return name;
    }

    private string AddInitializer(string hint, TensorProto.Types.DataType type, byte[] bytes, long[] dims)
    {
        string name = Unique(hint);
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        return name;
    }
}
