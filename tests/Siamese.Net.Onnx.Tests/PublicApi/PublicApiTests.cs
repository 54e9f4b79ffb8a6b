using Siamese.Net.Tests.PublicApi;

namespace Siamese.Net.Onnx.Tests.PublicApi;

/// <summary>The ONNX packages' public surfaces against their approved baselines (in this folder).</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void The_onnx_runtime_package_surface_matches_its_approved_baseline() =>
        PublicApiApproval.Verify(typeof(OnnxEmbedder).Assembly);

    [Fact]
    public void The_onnx_export_package_surface_matches_its_approved_baseline() =>
        PublicApiApproval.Verify(typeof(Siamese.Net.Onnx.Export.OnnxExporter).Assembly);
}
