using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Imaging;

/// <summary>
/// Pixels as decoded, before colour conversion: interleaved (H, W, channels) samples with 1 (grey), 2 (grey + alpha),
/// 3 (RGB) or 4 (RGBA) channels, 8 or 16 bits each, in stb's native buffer or a managed array, plus the EXIF
/// orientation to apply. <see cref="ToTensor"/> writes the output tensor directly from the samples, so the only
/// full-size buffers alive at once are the decoded samples and the output floats.
/// </summary>
internal sealed unsafe class DecodedImage : IDisposable
{
    private readonly byte[]? _bytes;
    private readonly ushort[]? _words;
    private readonly float[] _scale;
    private IntPtr _native;
    private readonly bool _nativeWords;

    private DecodedImage(int width, int height, int channels, float[] scale, byte[]? bytes, ushort[]? words, IntPtr native, bool nativeWords)
    {
        Width = width;
        Height = height;
        Channels = channels;
        _scale = scale;
        _bytes = bytes;
        _words = words;
        _native = native;
        _nativeWords = nativeWords;
    }

    ~DecodedImage() => Free();

    /// <summary>Width as stored (before orientation).</summary>
    public int Width { get; }

    /// <summary>Height as stored (before orientation).</summary>
    public int Height { get; }

    /// <summary>Interleaved channels per pixel.</summary>
    public int Channels { get; }

    /// <summary>EXIF orientation 1 to 8 (1 = as stored).</summary>
    public int Orientation { get; set; } = 1;

    /// <summary>Width after the orientation is applied.</summary>
    public int OrientedWidth => Orientation >= 5 ? Height : Width;

    /// <summary>Height after the orientation is applied.</summary>
    public int OrientedHeight => Orientation >= 5 ? Width : Height;

    /// <summary>8-bit samples in a managed array, scaled by <paramref name="maxValue"/>.</summary>
    public static DecodedImage FromBytes(int width, int height, int channels, byte[] samples, int maxValue) =>
        new(width, height, channels, Scale(maxValue, 255, divide: false), samples, null, IntPtr.Zero, false);

    /// <summary>16-bit samples in a managed array, scaled by <paramref name="maxValue"/>.</summary>
    public static DecodedImage FromWords(int width, int height, int channels, ushort[] samples, int maxValue) =>
        new(width, height, channels, Scale(maxValue, ushort.MaxValue, divide: false), null, samples, IntPtr.Zero, false);

    /// <summary>Takes ownership of a buffer stb allocated (freed with <see cref="Marshal.FreeHGlobal"/>).</summary>
    public static DecodedImage FromStb(int width, int height, int channels, IntPtr buffer, bool sixteenBit) =>
        new(width, height, channels, sixteenBit ? Scale(ushort.MaxValue, ushort.MaxValue, divide: false) : Scale(255, 255, divide: true), null, null, buffer, sixteenBit);

    /// <summary>
    /// Converts to planar [C, H, W] in the wanted colour mode. Transparent pixels are composited over white, because
    /// scanned documents and pen strokes are drawn on white paper and a transparent background usually means paper.
    /// Grey from colour uses the ITU-R BT.601 luma weights, as PIL's <c>convert("L")</c> does.
    /// </summary>
    public Tensor ToTensor(ColorMode mode)
    {
        int outChannels = mode == ColorMode.Grayscale ? 1 : 3;
        int width = OrientedWidth, height = OrientedHeight;
        var tensor = torch.empty(new long[] { outChannels, height, width }, ScalarType.Float32);
        try
        {
            // A fresh CPU tensor is contiguous: its bytes are the planar floats, written in place (no managed copy).
            var destination = MemoryMarshal.Cast<byte, float>(tensor.bytes);
            WritePlanar(destination, outChannels);
        }
        catch
        {
            tensor.Dispose();
            throw;
        }

        Free();
        return tensor;
    }

    /// <summary>Planar floats (for tests and callers without torch).</summary>
    public float[] ToPlanar(ColorMode mode)
    {
        int outChannels = mode == ColorMode.Grayscale ? 1 : 3;
        var result = new float[outChannels * OrientedWidth * OrientedHeight];
        WritePlanar(result, outChannels);
        return result;
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void WritePlanar(Span<float> result, int outChannels)
    {
        ObjectDisposedException.ThrowIf(_native == IntPtr.Zero && _bytes is null && _words is null, this);

        int count = checked(Width * Height * Channels);
        if (_bytes is not null || (_native != IntPtr.Zero && !_nativeWords))
        {
            var samples = _bytes ?? new ReadOnlySpan<byte>((void*)_native, count);
            Convert(samples, result, outChannels);
        }
        else
        {
            var samples = _words ?? new ReadOnlySpan<ushort>((void*)_native, count);
            Convert(samples, result, outChannels);
        }
    }

    private void Convert<T>(ReadOnlySpan<T> src, Span<float> result, int outChannels)
        where T : unmanaged
    {
        var scale = _scale;
        int c = Channels;
        int width = OrientedWidth, height = OrientedHeight;
        int n = width * height;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width) + x;
                int o = (Orientation == 1 ? i : SourceIndex(x, y)) * c;
                float r, g, b, a;
                if (c <= 2)
                {
                    r = g = b = scale[ToInt(src[o])];
                    a = c == 2 ? scale[ToInt(src[o + 1])] : 1f;
                }
                else
                {
                    r = scale[ToInt(src[o])];
                    g = scale[ToInt(src[o + 1])];
                    b = scale[ToInt(src[o + 2])];
                    a = c == 4 ? scale[ToInt(src[o + 3])] : 1f;
                }

                if (a < 1f)
                {
                    float background = 1f - a;
                    r = (r * a) + background;
                    g = (g * a) + background;
                    b = (b * a) + background;
                }

                if (outChannels == 1)
                {
                    result[i] = c <= 2 ? r : Math.Clamp((0.299f * r) + (0.587f * g) + (0.114f * b), 0f, 1f);
                }
                else
                {
                    result[i] = r;
                    result[n + i] = g;
                    result[(2 * n) + i] = b;
                }
            }
        }
    }

    /// <summary>The stored pixel shown at (x, y) of the upright image, for the eight EXIF orientations.</summary>
    private int SourceIndex(int x, int y)
    {
        int w = Width, h = Height;
        var (sx, sy) = Orientation switch
        {
            2 => (w - 1 - x, y), // mirrored horizontally
            3 => (w - 1 - x, h - 1 - y), // rotated 180
            4 => (x, h - 1 - y), // mirrored vertically
            5 => (y, x), // transposed
            6 => (y, h - 1 - x), // stored rotated 90 counter-clockwise: turn it 90 clockwise
            7 => (w - 1 - y, h - 1 - x), // transversed
            8 => (w - 1 - y, x), // stored rotated 90 clockwise: turn it 90 counter-clockwise
            _ => (x, y),
        };
        return (sy * w) + sx;
    }

    private static int ToInt<T>(T value)
        where T : unmanaged =>
        typeof(T) == typeof(byte) ? Unsafe.As<T, byte>(ref value) : Unsafe.As<T, ushort>(ref value);

    /// <summary>
    /// value -> float lookup, rounded exactly as the decoder always has (stb 8-bit: v / 255; 16-bit and PGM:
    /// v * (1 / max)), with values above <paramref name="maxValue"/> clamped to 1.
    /// </summary>
    private static float[] Scale(int maxValue, int range, bool divide)
    {
        var table = new float[range + 1];
        float inverse = 1f / maxValue;
        for (int v = 0; v <= range; v++)
        {
            table[v] = divide ? Math.Min(v, maxValue) / (float)maxValue : Math.Min(v, maxValue) * inverse;
        }

        return table;
    }

    private void Free()
    {
        var native = Interlocked.Exchange(ref _native, IntPtr.Zero);
        if (native != IntPtr.Zero)
        {
            // stb allocates with Marshal.AllocHGlobal (its CRuntime.malloc); its free is not public.
            Marshal.FreeHGlobal(native);
        }
    }
}
