using Siamese.Net.Samples.Common.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Samples.SignatureVerification;

/// <summary>
/// Scans as decoded, and their ink-changed copy: what another pen, scanner or contrast setting does to a scan,
/// <c>v' = lo + (hi - lo) v^gamma</c>, gamma in [0.4, 2.5] (lighter or darker ink), lo in [0, 0.3] (black lifted to
/// grey), hi in [0.8, 1] (paper dimmed), drawn per image from its file name: repeatable, and blind to forgery.
/// </summary>
internal static class Scans
{
    /// <summary>A scan as decoded, [1, H, W] in [0, 1].</summary>
    public static Tensor Load(string path)
    {
        var image = GrayImage.Load(path);
        return torch.tensor(image.Pixels.ToArray(), [1, image.Height, image.Width]);
    }

    /// <summary>The scan with its ink changed.</summary>
    public static Tensor WithChangedInk(string path)
    {
        // A stable hash of the name (string.GetHashCode differs between processes).
#pragma warning disable CA5394 // Not security: a reproducible change.
        var random = new Random(Path.GetFileName(path).Aggregate(17, (h, c) => unchecked((h * 31) + c)));
        double gamma = Math.Exp(((random.NextDouble() * 2) - 1) * Math.Log(2.5)), lo = random.NextDouble() * 0.3, hi = 0.8 + (random.NextDouble() * 0.2);
#pragma warning restore CA5394
        using var scan = Load(path);
        return scan.clamp(0, 1).pow(gamma).mul(hi - lo).add(lo, 1);
    }
}
