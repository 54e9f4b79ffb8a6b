using Siamese.Net.Onnx.Export;
using TorchSharp;

namespace Siamese.Net.Onnx.Tests;

public class UnsupportedModuleTests
{
    [Fact]
    public void The_first_unsupported_module_is_named_by_path_and_type()
    {
        using var model = torch.nn.Sequential(
            ("conv", torch.nn.Conv2d(1, 4, 3)),
            ("block", torch.nn.Sequential(torch.nn.ReLU(), torch.nn.GELU(), torch.nn.SiLU())),
            ("fc", torch.nn.Linear(4, 2)));
        var act = () => OnnxExporter.Export(model, new OnnxExportOptions { InputChannels = 1, InputHeight = 8, InputWidth = 8 });
        act.Should().Throw<NotSupportedException>().Which.Message.Should().Contain("'block.1'").And.Contain("GELU").And.NotContain("SiLU");
    }

    [Fact]
    public void Batch_norm_without_running_statistics_is_refused()
    {
        using var model = torch.nn.Sequential(("bn", torch.nn.BatchNorm2d(1, track_running_stats: false)));
        var act = () => OnnxExporter.Export(model, new OnnxExportOptions { InputChannels = 1, InputHeight = 4, InputWidth = 4 });
        act.Should().Throw<NotSupportedException>().Which.Message.Should().Contain("'bn'").And.Contain("running statistics");
    }

    [Fact]
    public void Options_that_contradict_an_encoder_are_refused()
    {
        using var encoder = new Encoders.Conv4Encoder(new Encoders.EncoderOptions { InputHeight = 32, InputWidth = 32 });
        var act = () => OnnxExporter.Export(encoder, new OnnxExportOptions { InputHeight = 64 });
        act.Should().Throw<ArgumentException>().WithParameterName("InputHeight");
    }
}
