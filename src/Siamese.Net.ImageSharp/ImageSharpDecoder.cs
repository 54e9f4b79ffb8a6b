using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Siamese.Net.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.ImageSharp;

/// <summary>
/// An <see cref="IImageDecoder"/> backed by SixLabors.ImageSharp: every format ImageSharp reads (PNG, JPEG, BMP, GIF
/// (first frame), TGA, TIFF, WebP, PBM/PGM/PPM), decoded at 16 bits per channel so 16-bit sources keep their precision.
/// Colour handling matches <see cref="StbImageDecoder"/>: transparent pixels over white, BT.601 luma for grey.
/// </summary>
/// <remarks>Immutable and thread-safe. See docs/imagesharp-licence.md for the licence of the ImageSharp version used.</remarks>
public sealed class ImageSharpDecoder : IImageDecoder
{
    /// <summary>Creates a decoder.</summary>
    /// <param name="maxPixels">The largest width x height accepted, checked from the header before decoding.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxPixels"/> is less than 1.</exception>
    public ImageSharpDecoder(long maxPixels = StbImageDecoder.DefaultMaxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPixels, 1L, nameof(maxPixels));
        MaxPixels = maxPixels;
    }

    /// <summary>The largest width x height this decoder accepts.</summary>
    public long MaxPixels { get; }

    /// <inheritdoc />
    public Tensor Decode(ReadOnlySpan<byte> encoded, ColorMode colorMode, string? sourceName = null)
    {
        if (!Enum.IsDefined(colorMode))
        {
            throw new ArgumentOutOfRangeException(nameof(colorMode), colorMode, "Unknown ColorMode.");
        }

        string name = sourceName ?? "<image bytes>";
        if (encoded.IsEmpty)
        {
            throw new InvalidDataException($"{name}: the file is empty (0 bytes); it is not an image.");
        }

        var bytes = encoded.ToArray();
        IImageInfo? info;
        try
        {
            info = Image.Identify(bytes);
        }
        catch (Exception ex) when (ex is ImageFormatException or NotSupportedException or InvalidOperationException)
        {
            throw new InvalidDataException($"{name}: corrupt image header ({ex.Message}).", ex);
        }

        if (info is null)
        {
            throw new InvalidDataException($"{name}: not an image format ImageSharp recognises.");
        }

        long pixels = (long)info.Width * info.Height;
        if (info.Width < 1 || info.Height < 1 || pixels > MaxPixels)
        {
            throw new InvalidDataException(
                $"{name}: the image is {info.Width}x{info.Height} = {pixels} pixels; the decoder accepts 1 to {MaxPixels} (a decompression bomb or a corrupt header).");
        }

        Image<Rgba64> image;
        try
        {
            image = Image.Load<Rgba64>(encoded);
        }
        catch (Exception ex) when (ex is ImageFormatException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"{name}: corrupt image data ({ex.Message}).", ex);
        }

        using (image)
        {
            return ToTensor(image, colorMode);
        }
    }

    private static Tensor ToTensor(Image<Rgba64> image, ColorMode mode)
    {
        int w = image.Width, h = image.Height, n = w * h;
        int channels = mode == ColorMode.Grayscale ? 1 : 3;
        var planar = new float[channels * n];
        const float Scale = 1f / 65535f;
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < h; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < w; x++)
                {
                    var p = row[x];
                    float a = p.A * Scale, background = 1f - a;
                    float r = (p.R * Scale * a) + background;
                    float g = (p.G * Scale * a) + background;
                    float b = (p.B * Scale * a) + background;
                    int i = (y * w) + x;
                    if (channels == 1)
                    {
                        planar[i] = p.R == p.G && p.G == p.B ? r : Math.Clamp((0.299f * r) + (0.587f * g) + (0.114f * b), 0f, 1f);
                    }
                    else
                    {
                        planar[i] = r;
                        planar[n + i] = g;
                        planar[(2 * n) + i] = b;
                    }
                }
            }
        });

        return torch.tensor(planar, new long[] { channels, h, w }, ScalarType.Float32);
    }
}
