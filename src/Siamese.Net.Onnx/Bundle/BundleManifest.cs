using System.Text.Json;
using System.Text.Json.Serialization;

namespace Siamese.Net.Onnx.Bundle;

/// <summary>The manifest.json of a deployment bundle (camelCase JSON; see <see cref="BundleFormat"/>).</summary>
internal sealed class BundleManifest
{
    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string FormatName { get; set; } = BundleFormat.FormatName;

    public int FormatVersion { get; set; } = BundleFormat.FormatVersion;

    public string? CreatedBy { get; set; }

    public BundleModel Model { get; set; } = new();

    /// <summary>The preprocessing settings in the core ImagePreprocessing JSON shape (PascalCase, enums by name).</summary>
    public JsonElement Preprocessing { get; set; }

    /// <summary>A <c>KnownMetrics</c> name: euclidean, cosine or inner-product.</summary>
    public string Metric { get; set; } = "euclidean";

    public double? Threshold { get; set; }

    public int TopK { get; set; } = 1;

    /// <summary>A <c>KShotAggregation</c> member name.</summary>
    public string Aggregation { get; set; } = "NearestSample";

    public BundleSupport Support { get; set; } = new();

    /// <summary>Lower-case hex SHA-256 of every entry except the manifest, keyed by entry name.</summary>
    public Dictionary<string, string> Sha256 { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The encoder graph's contract.</summary>
    internal sealed class BundleModel
    {
        public string Entry { get; set; } = BundleFormat.ModelEntry;

        public string InputName { get; set; } = BundleFormat.InputName;

        public string OutputName { get; set; } = BundleFormat.OutputName;

        public int InputChannels { get; set; }

        public int InputHeight { get; set; }

        public int InputWidth { get; set; }

        public int EmbeddingSize { get; set; }

        public int Opset { get; set; }
    }

    /// <summary>Where the enrolled support set is and how big it is.</summary>
    internal sealed class BundleSupport
    {
        public string LabelsEntry { get; set; } = BundleFormat.LabelsEntry;

        public string EmbeddingsEntry { get; set; } = BundleFormat.EmbeddingsEntry;

        public int Count { get; set; }

        public int Dimension { get; set; }
    }
}
