using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Reference;

/// <summary>Reads the committed PyTorch reference files and rebuilds their deterministic inputs and weights.</summary>
internal static class ReferenceData
{
    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Reference", file);

    public static JsonElement Load(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(PathOf(file)));
        return doc.RootElement.Clone();
    }

    public static double[] Doubles(this JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static long[] Longs(this JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();

    /// <summary>A float32 tensor of the given shape from a JSON array of numbers.</summary>
    public static Tensor Floats(this JsonElement array, params long[] shape) =>
        tensor(array.Doubles().Select(d => (float)d).ToArray()).reshape(shape);

    /// <summary>The reference script's image formula: element j is 0.5 + 0.5 sin(0.0137 j).</summary>
    public static Tensor Image(params long[] shape)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[n];
        for (long j = 0; j < n; j++)
        {
            values[j] = (float)(0.5 + (0.5 * Math.Sin(0.0137 * j)));
        }

        return tensor(values).reshape(shape);
    }

    /// <summary>
    /// The reference script's weight formula: the k-th state_dict entry (ordinal key order, num_batches_tracked
    /// skipped), element i, is scale sin(0.37 i + k) + offset.
    /// </summary>
    public static void FillDeterministic(nn.Module module)
    {
        var batchNorms = module.named_modules()
            .Where(m => m.module is BatchNorm2d)
            .Select(m => m.name)
            .ToHashSet(StringComparer.Ordinal);
        var entries = module.state_dict();
        var keys = entries.Keys.Where(k => !k.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            .OrderBy(k => k, StringComparer.Ordinal)
            .ToList();
        using var noGrad = no_grad();
        for (int k = 0; k < keys.Count; k++)
        {
            var t = entries[keys[k]];
            long n = t.numel();
            double scale;
            double offset;
            string owner = keys[k].Contains('.', StringComparison.Ordinal) ? keys[k][..keys[k].LastIndexOf('.')] : string.Empty;
            if (t.dim() >= 2)
            {
                scale = Math.Sqrt(3.0 / (n / t.shape[0]));
                offset = 0;
            }
            else if (keys[k].EndsWith("running_var", StringComparison.Ordinal) || (keys[k].EndsWith("weight", StringComparison.Ordinal) && batchNorms.Contains(owner)))
            {
                scale = 0.1;
                offset = 1.0;
            }
            else
            {
                scale = 0.1;
                offset = 0;
            }

            var values = new float[n];
            for (long i = 0; i < n; i++)
            {
                values[i] = (float)((scale * Math.Sin((0.37 * i) + k)) + offset);
            }

            using var source = tensor(values).reshape(t.shape);
            t.copy_(source);
        }
    }

    /// <summary>Asserts |actual - expected| &lt;= atol + rtol |expected| element-wise, reporting the worst element.</summary>
    public static void ShouldBeClose(this Tensor actual, IReadOnlyList<double> expected, double atol, double rtol = 0, string because = "")
    {
        var got = actual.detach().cpu().to_type(ScalarType.Float64).flatten().data<double>().ToArray();
        got.Length.Should().Be(expected.Count, "the element counts must match {0}", because);
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < got.Length; i++)
        {
            double excess = Math.Abs(got[i] - expected[i]) - (atol + (rtol * Math.Abs(expected[i])));
            if (double.IsNaN(got[i]) || excess > worst)
            {
                worst = double.IsNaN(got[i]) ? double.PositiveInfinity : excess;
                worstAt = i;
            }
        }

        worstAt.Should().Be(-1, "element {0} is {1} but PyTorch gives {2} (atol {3}, rtol {4}) {5}",
            worstAt, worstAt >= 0 ? got[worstAt] : 0, worstAt >= 0 ? expected[worstAt] : 0, atol, rtol, because);
    }

    public static void ShouldBeClose(this Tensor actual, double expected, double atol, double rtol = 0, string because = "") =>
        actual.ShouldBeClose(new[] { expected }, atol, rtol, because);
}
