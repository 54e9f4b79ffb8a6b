using Siamese.Net.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Onnx.Benchmarks;

/// <summary>The two benchmarked encoders at their default sizes (1x105x105).</summary>
internal static class Models
{
    public static readonly string[] Names = ["conv4", "signet"];

    public static nn.Module<Tensor, Tensor> Create(string name)
    {
        torch.manual_seed(1);
        nn.Module<Tensor, Tensor> encoder = name switch
        {
            "conv4" => new Conv4Encoder(),
            "signet" => new SigNet(),
            _ => throw new ArgumentException($"Unknown model '{name}' (conv4, signet).", nameof(name)),
        };
        encoder.eval();
        return encoder;
    }

    public static int Parse(string[] args, string option, int fallback)
    {
        int i = Array.IndexOf(args, option);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    public static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }
}
