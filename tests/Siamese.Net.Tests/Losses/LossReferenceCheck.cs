using System.Text.Json;
using Siamese.Net.Losses;
using Siamese.Net.Tests.Reference;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Losses;

/// <summary>
/// Checks a loss's value and gradients against one case of <see cref="LossCatalogue"/> (the one reader of
/// loss_catalogue.json, made by loss_catalogue_reference.py from the papers' formulas).
/// </summary>
internal static class LossReferenceCheck
{
    public static JsonElement Case(string name) => LossCatalogue.Case(name);

    public static JsonElement Inputs(string set) => LossCatalogue.Root.GetProperty("inputs").GetProperty(set);

    /// <summary>A [rows][columns] JSON matrix as a tensor of the given type.</summary>
    public static Tensor Matrix(JsonElement rows, ScalarType type = ScalarType.Float64) => LossCatalogue.Matrix(rows, type);

    public static Tensor Labels(string set) => tensor(Inputs(set).GetProperty("labels").Longs());

    /// <summary>The value and gradients of a loss on a case's inputs, computed in <paramref name="type"/>.</summary>
    /// <returns>Value, gradient w.r.t. the embeddings, gradient w.r.t. the class weights (null without weights); all float64 copies.</returns>
    public static (double Value, double[,] Embeddings, double[,]? Weights) Run(MetricLoss loss, string caseName, ScalarType type = ScalarType.Float64)
    {
        using var scope = NewDisposeScope();
        var c = Case(caseName);
        string set = c.GetProperty("inputs").GetString()!;
        var x = Matrix(Inputs(set).GetProperty("embeddings"), type).requires_grad_(true);
        var labels = Labels(set);
        Parameter? weight = null;
        if (loss is ProxyLoss proxies)
        {
            string key = c.GetProperty("weights").GetString()!;
            loss.to(type);
            weight = proxies.Weight;
            using (no_grad())
            {
                weight.copy_(Matrix(Inputs(set).GetProperty(key), type));
            }

            weight.grad?.zero_();
        }

        var value = loss.Compute(x, labels);
        value.backward();
        return (value.to_type(ScalarType.Float64).item<double>(), ToArray(x.grad!), weight is null ? null : ToArray(weight.grad!));
    }

    /// <summary>Asserts the float64 value and gradients equal the reference to <paramref name="tolerance"/> (relative to each tensor's largest entry).</summary>
    public static void AssertMatches(MetricLoss loss, string caseName, double tolerance = 1e-6)
    {
        var c = Case(caseName);
        var (value, gradEmbeddings, gradWeights) = Run(loss, caseName);
        double expected = c.GetProperty("value").GetDouble();
        value.Should().BeApproximately(expected, tolerance * Math.Max(1, Math.Abs(expected)), caseName + " value");
        AssertClose(gradEmbeddings, c.GetProperty("grad_embeddings"), tolerance, caseName + " grad_embeddings");
        if (gradWeights is not null)
        {
            AssertClose(gradWeights, c.GetProperty("grad_weights"), tolerance, caseName + " grad_weights");
        }
    }

    /// <summary>Asserts the float32 run is finite and near the reference's float32 run.</summary>
    public static void AssertFiniteInFloat32(MetricLoss loss, string caseName, double tolerance = 1e-3)
    {
        var c = Case(caseName);
        var (value, gradEmbeddings, gradWeights) = Run(loss, caseName, ScalarType.Float32);
        double.IsFinite(value).Should().BeTrue(caseName);
        gradEmbeddings.Cast<double>().Should().OnlyContain(g => double.IsFinite(g), caseName);
        gradWeights?.Cast<double>().Should().OnlyContain(g => double.IsFinite(g), caseName);
        double expected = c.GetProperty("value_float32").GetDouble();
        value.Should().BeApproximately(expected, tolerance * Math.Max(1, Math.Abs(expected)), caseName + " float32 value");
        AssertClose(gradEmbeddings, c.GetProperty("grad_embeddings_float32"), tolerance, caseName + " float32 grad_embeddings");
    }

    private static void AssertClose(double[,] actual, JsonElement expected, double tolerance, string what)
    {
        var rows = expected.EnumerateArray().Select(r => r.Doubles()).ToArray();
        actual.GetLength(0).Should().Be(rows.Length, what);
        double scale = Math.Max(rows.SelectMany(r => r).Select(Math.Abs).DefaultIfEmpty(0).Max(), 1e-6);
        for (int i = 0; i < rows.Length; i++)
        {
            for (int j = 0; j < rows[i].Length; j++)
            {
                actual[i, j].Should().BeApproximately(rows[i][j], tolerance * scale, $"{what}[{i}, {j}]");
            }
        }
    }

    private static double[,] ToArray(Tensor t)
    {
        var values = t.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        long rows = t.shape[0];
        long columns = t.shape[1];
        var result = new double[rows, columns];
        for (long i = 0; i < rows; i++)
        {
            for (long j = 0; j < columns; j++)
            {
                result[i, j] = values[(i * columns) + j];
            }
        }

        return result;
    }
}
