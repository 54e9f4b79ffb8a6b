using System.Text.Json;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Reference;

/// <summary>
/// Reads loss_catalogue.json (made by loss_catalogue_reference.py, formulas in docs/loss-catalogue-formulas.md):
/// named input sets and, per case "loss/inputs", the PyTorch value and gradients in float64 and float32.
/// </summary>
internal static class LossCatalogue
{
    private static readonly Lazy<JsonElement> Document = new(() => ReferenceData.Load("loss_catalogue.json"));

    public static JsonElement Root => Document.Value;

    /// <summary>Every case name, e.g. "arcface/aligned".</summary>
    public static IEnumerable<string> CaseNames => Root.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!);

    public static JsonElement Case(string name) =>
        Root.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    /// <summary>
    /// One input set as tensors of the given type (the float32 references were computed from the float64 values
    /// rounded to float32, as this does): embeddings [N, D], labels [N] (int64), class weights [C, D] (one row per
    /// class), sub-centre weights [C·K, D] (row c·K + k is sub-centre k of class c).
    /// </summary>
    public static (Tensor Embeddings, long[] Labels, Tensor ClassWeights, Tensor SubcenterWeights) Inputs(string set, ScalarType type)
    {
        var s = Root.GetProperty("inputs").GetProperty(set);
        return (Matrix(s.GetProperty("embeddings"), type), s.GetProperty("labels").Longs(),
            Matrix(s.GetProperty("class_weights"), type), Matrix(s.GetProperty("subcenter_weights"), type));
    }

    /// <summary>A [rows][columns] JSON array as a tensor of the given type.</summary>
    public static Tensor Matrix(JsonElement rows, ScalarType type)
    {
        var values = rows.EnumerateArray().Select(r => r.Doubles()).ToArray();
        return tensor(values.SelectMany(v => v).ToArray(), float64).reshape(values.Length, values[0].Length).to(type);
    }

    /// <summary>A [rows][columns] JSON array flattened row-major, for <see cref="ReferenceData.ShouldBeClose(Tensor, IReadOnlyList{double}, double, double, string)"/>.</summary>
    public static double[] Flat(JsonElement rows) => rows.EnumerateArray().SelectMany(r => r.Doubles()).ToArray();
}
