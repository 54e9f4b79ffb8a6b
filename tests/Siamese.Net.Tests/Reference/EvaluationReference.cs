using System.Text.Json;

namespace Siamese.Net.Tests.Reference;

/// <summary>
/// Reads evaluation_reference.json (written by evaluation_reference.py with scikit-learn) from the source tree,
/// found by walking up from the test binaries, so the numbers are the committed ones.
/// </summary>
internal static class EvaluationReference
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Locate("evaluation_reference.json"))));

    public static JsonElement Root => Document.Value.RootElement;

    public static string Locate(string fileName)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Siamese.Net.Tests", "Reference", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"Reference file {fileName} not found above {AppContext.BaseDirectory}.");
    }


    public static int[] Ints(this JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    public static bool[] Bools(this JsonElement e) => e.EnumerateArray().Select(x => x.GetBoolean()).ToArray();

    public static double? NullableDouble(this JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetDouble();
}
