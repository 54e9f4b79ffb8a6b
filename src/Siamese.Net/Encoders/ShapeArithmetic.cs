namespace Siamese.Net.Encoders;

/// <summary>
/// Output sizes of convolutions and pools, so that flatten sizes follow the input size instead of being hard-coded
/// (the tutorials' 30976 is SigNet's flatten size at 105x105 only).
/// </summary>
internal static class ShapeArithmetic
{
    /// <summary>Output length of a convolution or pooling window along one axis (floor mode, as in PyTorch).</summary>
    public static int Window(int size, int kernel, int stride = 1, int padding = 0) =>
        size + (2 * padding) < kernel ? 0 : ((size + (2 * padding) - kernel) / stride) + 1;
}
